import { after, type TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { closeAdminPool, createTestDatabase, type DatabaseKind, type TestDatabase } from './databases.js';

after(closeAdminPool);

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly testDatabase: TestDatabase;
}

/** The real app on a fresh database, closed and dropped when the test ends. */
export async function buildTestApp(t: TestContext, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(kind);
  const config = loadConfig({ DATABASE_URL: testDatabase.url, SECRET_KEY: 'test-secret-key', ...env });
  const app = await buildApp(config, { database: testDatabase.database, logger: false });
  t.after(async () => {
    await app.close();
    await testDatabase.drop();
  });
  return { app, config, testDatabase };
}
