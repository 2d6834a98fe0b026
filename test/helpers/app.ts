import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase, whileNoSchemaIsDropped } from './databases.js';

export interface TestApp {
  readonly app: FastifyInstance;
  readonly config: Config;
  readonly testDatabase: TestDatabase;
}

/** The real app on a fresh database, closed and dropped when the test ends. */
export async function buildTestApp(t: TestContext, kind: DatabaseKind, env: Record<string, string> = {}): Promise<TestApp> {
  return (await buildTestInstances(t, kind, 1, env))[0];
}

/**
 * `count` instances of the real app sharing one fresh database, as behind a load balancer: closed, and
 * the database dropped, when the test ends.
 */
export async function buildTestInstances(t: TestContext, kind: DatabaseKind, count: number,
  env: Record<string, string> = {}, options: Pick<BuildOptions, 'logger'> = {}): Promise<TestApp[]> {
  const testDatabase = await createTestDatabase(kind);
  const instances: TestApp[] = [];
  t.after(async () => {
    for (const { app } of instances) await app.close();
    await testDatabase.drop();
  });
  for (let i = 0; i < count; i += 1) instances.push(await buildAppOn(kind, testDatabase, env, options));
  return instances;
}

/** The real app on a database the caller made (and drops); the caller closes the app. */
export async function buildAppOn(kind: DatabaseKind, testDatabase: TestDatabase, env: Record<string, string> = {},
  options: Pick<BuildOptions, 'logger'> = {}): Promise<TestApp> {
  // Rate limits stay off unless a test turns them on: the suite signs up many users from one address.
  const config = loadConfig({ DATABASE_URL: testDatabase.url, SECRET_KEY: 'test-secret-key', RATE_LIMITS: 'off', ...env });
  const app = await whileNoSchemaIsDropped(kind,
    () => buildApp(config, { database: testDatabase.database, logger: options.logger ?? false, checkResponses: true }));
  return { app, config, testDatabase };
}
