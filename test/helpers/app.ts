import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase, whileNoSchemaIsDropped } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly testDatabase: TestDatabase;
}

/** The real app on a fresh database, closed and dropped when the test ends. */
export async function buildTestApp(t: TestContext, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(kind);
  const config = loadConfig({ DATABASE_URL: testDatabase.url, SECRET_KEY: 'test-secret-key', ...env });
  const app = await whileNoSchemaIsDropped(kind, () => buildApp(config, { database: testDatabase.database, logger: false }));
  t.after(async () => {
    await app.close();
    await testDatabase.drop();
  });
  return { app, config, testDatabase };
}
