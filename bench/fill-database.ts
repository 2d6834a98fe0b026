/**
 * Fills an empty database (SQLite file or PostgreSQL schema) with users, conversations and messages,
 * as bench/fill-plan.ts lays them out. The schema is brought up to date first with the service's own
 * migrations; a database that already holds users is refused.
 */
import { performance } from 'node:perf_hooks';
import { type Database, openDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { type FillPlan, type FillSize, planFill } from './fill-plan.js';
import { writePostgresFill } from './fill-postgres.js';
import { writeSqliteFill } from './fill-sqlite.js';
import { hashUserPasswords } from './password-hashes.js';
import { whileNoSchemaIsDropped } from './postgres-schema.js';

export interface FillTarget {
  /** `sqlite:<file>` or `postgres://...` */
  readonly url: string;
  /** PostgreSQL: the schema to fill. */
  readonly searchPath?: string;
}

export interface FillOptions extends FillSize {
  /** Hashes of user1..userN's passwords made earlier (bench/password-hashes.ts), to reuse across fills. */
  readonly passwordHashes?: readonly string[];
  readonly log?: (line: string) => void;
}

export interface FillResult {
  readonly plan: FillPlan;
  readonly conversations: number;
  readonly hashingMs: number;
  readonly writingMs: number;
}

export class DatabaseNotEmptyError extends Error {}

export async function fillDatabase(target: FillTarget, options: FillOptions): Promise<FillResult> {
  const log = options.log ?? (() => {});
  const database = openDatabase(target.url, target.searchPath ? { searchPath: target.searchPath, poolSize: 1 } : { poolSize: 1 });
  try {
    await migrate(database, target.url);
    const { users } = await database.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('users')).executeTakeFirstOrThrow();
    if (Number(users) > 0) {
      throw new DatabaseNotEmptyError(`${describe(target)} already holds ${users} users: fill writes only into a database `
        + 'without any (use a new SQLite file, or an empty PostgreSQL database or schema)');
    }
  } finally {
    await database.destroy();
  }

  let hashingMs = 0;
  let passwordHashes = options.passwordHashes;
  if (!passwordHashes || passwordHashes.length < options.users) {
    log(`hashing ${options.users} passwords (argon2id, as the service does)`);
    const started = performance.now();
    passwordHashes = await hashUserPasswords(options.users, (done) => log(`  ${done} hashed`));
    hashingMs = performance.now() - started;
  }

  const started = performance.now();
  const plan = planFill(options);
  log(`writing ${plan.users} users, ${plan.conversations.count} conversations, ${plan.messages} messages`);
  if (target.url.startsWith('sqlite:')) writeSqliteFill(target.url.slice('sqlite:'.length), plan, passwordHashes);
  else await writePostgresFill(target, plan, passwordHashes);
  return { plan, conversations: plan.conversations.count, hashingMs, writingMs: performance.now() - started };
}

async function migrate(database: Database, url: string): Promise<void> {
  if (database.dialect === 'sqlite') await migrateToLatest(database);
  else await whileNoSchemaIsDropped(url, () => migrateToLatest(database));
}

function describe(target: FillTarget): string {
  if (target.url.startsWith('sqlite:')) return `The SQLite database ${target.url.slice('sqlite:'.length)}`;
  const url = new URL(target.url);
  url.password = '';
  return `The PostgreSQL database ${url.toString()}${target.searchPath ? ` (schema ${target.searchPath})` : ''}`;
}
