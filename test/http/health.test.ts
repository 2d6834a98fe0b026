import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHealthService } from '../../src/modules/health/health.service.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { buildTestApp } from '../helpers/app.js';
import { createTestDatabase, describeEachDatabase, testDatabaseKinds, whileNoSchemaIsDropped } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

describeEachDatabase('health probes', (kind) => {
  test('/healthz answers 200 {"status": "ok"} without a login, with or without the trailing slash', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (const url of ['/healthz', '/healthz/']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.headers.location, undefined, url);
      assert.deepEqual(res.json(), { status: 'ok' });
    }
  });

  test('/readyz answers 200 {"status": "ready"} while the database answers, with or without the trailing slash', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (const url of ['/readyz', '/readyz/']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 200, url);
      assert.deepEqual(res.json(), { status: 'ready' });
    }
  });

  test('/readyz answers 503 {"status": "unavailable"} once the database is gone, while /healthz stays 200', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await testDatabase.database.destroy();
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assert.equal(ready.headers['content-type'], 'application/json; charset=utf-8');
    assert.deepEqual(ready.json(), { status: 'unavailable' });
    const alive = await app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(alive.statusCode, 200);
  });

  test('the probes answer over real HTTP, ignoring cookies and credentials they are sent', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    for (const [url, body] of [['/healthz', { status: 'ok' }], ['/readyz', { status: 'ready' }]] as const) {
      const res = await fetch(baseUrl + url, { headers: { cookie: 'sessionid=stale', authorization: 'Token not-a-token' } });
      assert.equal(res.status, 200, url);
      assert.deepEqual(await res.json(), body);
    }
  });

  test('the probes are documented in the OpenAPI document as needing no authentication', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { paths } = (await app.inject({ method: 'GET', url: '/api/schema/' })).json();
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      assert.deepEqual(paths[path]?.get?.security, [], path);
    }
    assert.ok(paths['/readyz'].get.responses['503']);
    assert.equal(paths['/healthz/'], undefined);
  });
});

test('readiness gives up on a database that does not answer in time', async () => {
  const health = createHealthService({ health: { acceptsWrites: () => new Promise<boolean>(() => {}) }, timeoutMs: 20 });
  const readiness = await health.readiness();
  assert.equal(readiness.ready, false);
});

test('/readyz answers 503 on a PostgreSQL that takes no writes, such as a standby', async (t) => {
  if (!testDatabaseKinds().includes('postgres')) return t.skip('PostgreSQL only; TEST_DATABASE_URL is not set');
  const testDatabase = await createTestDatabase('postgres');
  t.after(() => testDatabase.drop());
  await whileNoSchemaIsDropped('postgres', () => migrateToLatest(testDatabase.database));
  // Connection options in the URL win over the pool's own, as a standby's default would.
  const url = new URL(testDatabase.url);
  url.searchParams.set('options', `-c search_path=${testDatabase.searchPath} -c default_transaction_read_only=on`);
  const readOnly = openDatabase(url.href);
  t.after(() => readOnly.destroy());
  const config = loadConfig({ DATABASE_URL: url.href, SECRET_KEY: 'test-secret-key', RATE_LIMITS: 'off' });
  const app = await whileNoSchemaIsDropped('postgres', () => buildApp(config, { database: readOnly, logger: false }));
  t.after(() => app.close());

  const ready = await app.inject({ method: 'GET', url: '/readyz' });
  assert.equal(ready.statusCode, 503);
  assert.deepEqual(ready.json(), { status: 'unavailable' });
  const signUp = await app.inject({ method: 'POST', url: '/register/', payload: { username: 'alice', email: 'alice@example.com', password: 'correct horse battery' } });
  assert.equal(signUp.statusCode, 503, 'and writes are refused as unavailable');
});
