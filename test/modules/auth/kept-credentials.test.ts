import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import postgres from 'postgres';
import { createAccountsService } from '../../../src/modules/users/accounts.service.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';
import { buildTestInstances, type TestApp } from '../../helpers/app.js';
import { issueToken, signUp, TestClient } from '../../helpers/client.js';
import { instancesHeard } from '../../helpers/credential-notices.js';
import { describeEachDatabase, testDatabaseKinds } from '../../helpers/databases.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const INVALID_TOKEN = { detail: 'Invalid token.' };

/** The same browser session, sent to another instance behind the load balancer. */
function sameSessionOn(instance: TestApp, client: TestClient): TestClient {
  const other = new TestClient(instance.app);
  for (const [name, value] of client.cookies) other.cookies.set(name, value);
  other.csrfToken = client.csrfToken;
  other.user = client.user;
  return other;
}

const withToken = (instance: TestApp, token: string) => instance.app.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } });

/** Two instances sharing a database, each having served alice's session and token once already (so each may keep them). */
async function pairInUse(t: Parameters<typeof buildTestInstances>[0], kind: Parameters<typeof buildTestInstances>[1]) {
  const [a, b] = await buildTestInstances(t, kind, 2);
  const aliceOnA = await signUp(a.app, 'alice');
  const aliceOnB = sameSessionOn(b, aliceOnA);
  const token = await issueToken(a.app, 'alice');
  for (const instance of [a, b]) assert.equal((await withToken(instance, token)).statusCode, 200);
  assert.equal((await aliceOnA.get('/me/')).statusCode, 200);
  assert.equal((await aliceOnB.get('/me/')).statusCode, 200);
  return { a, b, aliceOnA, aliceOnB, token };
}

describeEachDatabase('ended sessions and tokens on two instances', (kind) => {
  test('a logout on one instance is refused on the other by the very next request', async (t) => {
    const { aliceOnA, aliceOnB } = await pairInUse(t, kind);
    assert.equal((await aliceOnA.get('/logout/')).statusCode, 200);
    const res = await aliceOnB.get('/me/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
  });

  test('a token revoked on one instance is refused on the other by the very next request', async (t) => {
    const { a, b, token } = await pairInUse(t, kind);
    const revoked = await a.app.inject({ method: 'DELETE', url: '/tokens/current/', headers: { authorization: `Token ${token}` } });
    assert.equal(revoked.statusCode, 204);
    const res = await withToken(b, token);
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_TOKEN);
  });

  test('a token revoked by id from a session is refused on the other instance at once', async (t) => {
    const { b, aliceOnA, token } = await pairInUse(t, kind);
    const [{ id }] = (await aliceOnA.get('/tokens/')).json().results;
    assert.equal((await aliceOnA.delete(`/tokens/${id}/`)).statusCode, 204);
    assert.equal((await withToken(b, token)).statusCode, 401);
  });

  test('logging in again over a session ends the old one on every instance', async (t) => {
    const { a, b, aliceOnA } = await pairInUse(t, kind);
    const oldCookies = new Map(aliceOnA.cookies);
    assert.equal((await aliceOnA.login('alice')).statusCode, 200);
    const old = new TestClient(b.app);
    for (const [name, value] of oldCookies) old.cookies.set(name, value);
    assert.equal((await old.get('/me/')).statusCode, 403);
    assert.equal((await sameSessionOn(a, aliceOnA).get('/me/')).statusCode, 200);
  });

  test('deactivating the user (npm run users) refuses the session and the token on both instances once it returns', async (t) => {
    const { a, b, aliceOnA, aliceOnB, token } = await pairInUse(t, kind);
    const accounts = createAccountsService({
      users: createUsersRepository(a.testDatabase.database.db), heardEverywhere: () => instancesHeard(a.testDatabase),
    });
    assert.ok(await accounts.deactivate('alice'));
    for (const client of [aliceOnA, aliceOnB]) assert.equal((await client.get('/me/')).statusCode, 403);
    for (const instance of [a, b]) assert.equal((await withToken(instance, token)).statusCode, 401);
  });

  test('a session that expires is refused on both instances from that moment, without a word from the database', async (t) => {
    const { a, aliceOnA, aliceOnB } = await pairInUse(t, kind);
    // SESSION_LIFETIME_SECONDS is at least a minute: shorten this session in the database instead.
    const expiresAt = Date.now() + 400;
    await a.testDatabase.database.db.updateTable('sessions').set({ expires_at: expiresAt }).execute();
    await instancesHeard(a.testDatabase);
    // Read again by both, and kept with its new expiry.
    assert.equal((await aliceOnA.get('/me/')).statusCode, 200);
    assert.equal((await aliceOnB.get('/me/')).statusCode, 200);
    await sleep(Math.max(0, expiresAt - Date.now()) + 20);
    for (const client of [aliceOnA, aliceOnB]) assert.equal((await client.get('/me/')).statusCode, 403);
  });
});

const postgresOnly = { skip: !testDatabaseKinds().includes('postgres') && 'TEST_DATABASE_URL is not set' };

/** Runs `change` on the database with the notice triggers of sessions switched off, so that only the instances' memory can tell. */
async function silently(instance: TestApp, change: (sql: postgres.Sql) => Promise<unknown>): Promise<void> {
  const sql = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {}, connection: { search_path: instance.testDatabase.searchPath! } });
  try {
    await sql.begin(async (trx) => {
      await trx.unsafe('alter table sessions disable trigger sessions_changed');
      await change(trx as unknown as postgres.Sql);
      await trx.unsafe('alter table sessions enable trigger sessions_changed');
    });
  } finally {
    await sql.end();
  }
}

/** The backends that listen for notices on this test's schema: each instance's, holding its shared advisory lock. */
async function listenerPids(instance: TestApp): Promise<number[]> {
  const rows = await instance.testDatabase.database.postgres!.pool.unsafe<{ pid: number }[]>(`select pid from pg_locks
    where locktype = 'advisory' and classid = 7270002 and objsubid = 2 and granted
      and objid = ('x' || substr(md5(current_schema()), 1, 7))::bit(28)::int`);
  return rows.map((row) => row.pid);
}

test('on PostgreSQL a session in use is kept in memory, and read again once the notices could have been missed', postgresOnly, async (t) => {
  const [a] = await buildTestInstances(t, 'postgres', 1);
  const alice = await signUp(a.app, 'alice');
  assert.equal((await alice.post('/blocks/', { user: 'nobody' })).statusCode, 400, 'the CSRF token is accepted');
  const oldToken = alice.csrfToken!;

  // A change the triggers do not announce: the kept session still has the old CSRF secret.
  await silently(a, (sql) => sql.unsafe(`update sessions set csrf_secret = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'`));
  assert.equal((await alice.post('/blocks/', { user: 'nobody' }, { 'x-csrftoken': oldToken })).statusCode, 400);

  // The instance's listening connection breaks: whatever it kept goes, and it listens again.
  const [listener] = await listenerPids(a);
  await a.testDatabase.database.postgres!.pool.unsafe('select pg_terminate_backend($1)', [listener]);
  for (let waited = 0; ; waited += 1) {
    const pids = await listenerPids(a);
    if (pids.length === 1 && pids[0] !== listener) break;
    assert.ok(waited < 100, 'the instance did not listen again');
    await sleep(50);
  }
  const refused = await alice.post('/blocks/', { user: 'nobody' }, { 'x-csrftoken': oldToken });
  assert.equal(refused.statusCode, 403);
  assert.deepEqual(refused.json(), { detail: 'CSRF Failed: CSRF token incorrect.' });
});

test('with SESSION_CACHE=off every request reads its session', postgresOnly, async (t) => {
  const [a] = await buildTestInstances(t, 'postgres', 1, { SESSION_CACHE: 'off' });
  const alice = await signUp(a.app, 'alice');
  await silently(a, (sql) => sql.unsafe(`update sessions set csrf_secret = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'`));
  assert.equal((await alice.post('/blocks/', { user: 'nobody' })).statusCode, 403);
});
