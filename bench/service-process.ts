/** The service itself (src/server.ts) in a child process, on a filled benchmark database. */
import { randomBytes } from 'node:crypto';
import type { BenchDatabase } from './bench-database.js';
import { ChildServer } from './child-server.js';
import { whileNoSchemaIsDropped } from './postgres-schema.js';

const SECRET_KEY = randomBytes(32).toString('base64url');

export interface ServiceOptions {
  readonly groupCommit: boolean;
  readonly logLevel: string;
  /** SQLITE_EXCLUSIVE: the service alone opens its SQLite file. */
  readonly sqliteExclusive: boolean;
}

export function startService(name: string, database: BenchDatabase, options: ServiceOptions): Promise<ChildServer> {
  const env = {
    DATABASE_URL: database.url,
    GROUP_COMMIT: String(options.groupCommit),
    SQLITE_EXCLUSIVE: String(options.sqliteExclusive),
    RATE_LIMITS: 'off',
    LOG_LEVEL: options.logLevel,
    SECRET_KEY,
    // One instance: the in-process bus, whatever the environment says.
    REDIS_URL: '',
  };
  // Without a session, the service answers a protected route with 403: it is up.
  const start = () => ChildServer.start(name, 'src/server.ts', env, '/users-list/');
  return database.kind === 'postgres' ? whileNoSchemaIsDropped(database.url, start) : start();
}
