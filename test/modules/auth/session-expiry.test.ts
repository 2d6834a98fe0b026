import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../../../src/config.js';
import { hashAccessKey } from '../../../src/modules/auth/access-key.js';
import { createAuthService } from '../../../src/modules/auth/auth.service.js';
import { scheduleSessionPurge } from '../../../src/modules/auth/session-purge.js';
import { createSessionsRepository } from '../../../src/modules/auth/sessions.repository.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';
import { buildTestApp, buildTestInstances, type TestApp } from '../../helpers/app.js';
import { passwordFor, signUp, type TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { closed, connect, listen } from '../../helpers/sockets.js';
import { instancesHeard } from '../../helpers/credential-notices.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

function sessionHash({ config }: TestApp, client: TestClient): string {
  return hashAccessKey(config.secretKey, client.cookies.get('sessionid')!);
}

async function setSession({ testDatabase }: TestApp, idHash: string, values: { last_seen_at?: number; expires_at?: number }) {
  await testDatabase.database.db.updateTable('sessions').set(values).where('id_hash', '=', idHash).execute();
  await instancesHeard(testDatabase);
}

async function storedSession({ testDatabase }: TestApp, idHash: string) {
  return testDatabase.database.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

/** The app's own auth service rules, built on its database, with the sessions it ends recorded. */
function authOn({ config, testDatabase }: TestApp, sessionIdleSeconds: number) {
  const ended: string[] = [];
  const { db } = testDatabase.database;
  const auth = createAuthService({
    users: createUsersRepository(db), sessions: createSessionsRepository(db, testDatabase.database.dialect), secretKey: config.secretKey,
    sessionLifetimeSeconds: config.sessionLifetimeSeconds, sessionIdleSeconds, onSessionEnded: (idHash) => ended.push(idHash),
  });
  return { auth, ended };
}

test('SESSION_IDLE_SECONDS is off by default, and is 0 or at least a minute', () => {
  const env = { SECRET_KEY: 'k' };
  assert.equal(loadConfig(env).sessionIdleSeconds, 0);
  assert.equal(loadConfig({ ...env, SESSION_IDLE_SECONDS: '0' }).sessionIdleSeconds, 0);
  assert.equal(loadConfig({ ...env, SESSION_IDLE_SECONDS: '7200' }).sessionIdleSeconds, 7200);
  for (const bad of ['30', '-5', 'two hours', '1.5']) {
    assert.throws(() => loadConfig({ ...env, SESSION_IDLE_SECONDS: bad }),
      (error: unknown) => error instanceof ConfigError && error.message.includes('SESSION_IDLE_SECONDS'), bad);
  }
});

describeEachDatabase('idle sessions', (kind) => {
  test('without SESSION_IDLE_SECONDS a session unused for weeks still works until it expires', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    await setSession(testApp, sessionHash(testApp, alice), { last_seen_at: Date.now() - 13 * DAY });
    assert.equal((await alice.get('/me/')).statusCode, 200);
  });

  test('a session unused for longer than SESSION_IDLE_SECONDS is logged out and deleted', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '600' });
    const alice = await signUp(testApp.app, 'alice');
    const idHash = sessionHash(testApp, alice);
    await setSession(testApp, idHash, { last_seen_at: Date.now() - 601_000 });
    const res = await alice.get('/me/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
    assert.equal(await storedSession(testApp, idHash), undefined);
  });

  test('a session used within SESSION_IDLE_SECONDS keeps working, and its idle time starts again', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '600' });
    const alice = await signUp(testApp.app, 'alice');
    const idHash = sessionHash(testApp, alice);
    await setSession(testApp, idHash, { last_seen_at: Date.now() - 500_000 });
    const before = Date.now();
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.ok((await storedSession(testApp, idHash))!.last_seen_at >= before);
  });

  test('last_seen_at is written at most once a minute', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const idHash = sessionHash(testApp, alice);
    const createdAt = (await storedSession(testApp, idHash))!.created_at;
    for (let i = 0; i < 3; i += 1) assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.equal((await storedSession(testApp, idHash))!.last_seen_at, createdAt);

    await setSession(testApp, idHash, { last_seen_at: Date.now() - MINUTE - 1000 });
    const before = Date.now();
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.ok((await storedSession(testApp, idHash))!.last_seen_at >= before);
  });

  test('with a short idle timeout, activity is recorded every tenth of it', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '60' });
    const alice = await signUp(testApp.app, 'alice');
    const idHash = sessionHash(testApp, alice);
    const recent = Date.now() - 3000;
    await setSession(testApp, idHash, { last_seen_at: recent });
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.equal((await storedSession(testApp, idHash))!.last_seen_at, recent);

    await setSession(testApp, idHash, { last_seen_at: Date.now() - 7000 });
    const before = Date.now();
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.ok((await storedSession(testApp, idHash))!.last_seen_at >= before);
  });

  test('logging in over an idle session needs no CSRF token, as over no session', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '600' });
    const alice = await signUp(testApp.app, 'alice');
    await setSession(testApp, sessionHash(testApp, alice), { last_seen_at: Date.now() - 601_000 });
    alice.csrfToken = null;
    const res = await alice.post('/login/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(res.statusCode, 200, res.body);
  });

  test('the sockets of a session found idle are closed with 4001', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '600' });
    const url = await listen(testApp.app);
    const alice = await signUp(testApp.app, 'alice');
    const socket = await connect(t, url, { as: alice });
    await setSession(testApp, sessionHash(testApp, alice), { last_seen_at: Date.now() - 601_000 });
    assert.equal((await alice.get('/me/')).statusCode, 403);
    assert.deepEqual(await closed(socket), { code: 4001, reason: 'Session ended' });
  });
});

describeEachDatabase('purging sessions', (kind) => {
  test('the purge deletes expired and idle sessions, keeps live ones, and ends the idle ones\' sockets', async (t) => {
    const testApp = await buildTestApp(t, kind, { SESSION_IDLE_SECONDS: '600' });
    const [alice, bob, carol] = [await signUp(testApp.app, 'alice'), await signUp(testApp.app, 'bob'), await signUp(testApp.app, 'carol')];
    const [live, idle, expired] = [alice, bob, carol].map((client) => sessionHash(testApp, client));
    await setSession(testApp, idle, { last_seen_at: Date.now() - 601_000 });
    await setSession(testApp, expired, { expires_at: Date.now() - 1 });
    const { auth, ended } = authOn(testApp, 600);

    assert.equal(await auth.purgeExpiredSessions(), 2);
    const remaining = await testApp.testDatabase.database.db.selectFrom('sessions').select('id_hash').execute();
    assert.deepEqual(remaining.map((row) => row.id_hash), [live]);
    assert.deepEqual(ended, [idle]);
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.equal(await auth.purgeExpiredSessions(), 0);
  });

  test('without an idle timeout the purge deletes only expired sessions', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const [alice, bob] = [await signUp(testApp.app, 'alice'), await signUp(testApp.app, 'bob')];
    const [unused, expired] = [alice, bob].map((client) => sessionHash(testApp, client));
    await setSession(testApp, unused, { last_seen_at: Date.now() - 13 * DAY });
    await setSession(testApp, expired, { expires_at: Date.now() - 1 });
    const { auth, ended } = authOn(testApp, 0);

    assert.equal(await auth.purgeExpiredSessions(), 1);
    assert.ok(await storedSession(testApp, unused));
    assert.equal(await storedSession(testApp, expired), undefined);
    assert.deepEqual(ended, []);
  });

  test('the app purges expired sessions when it starts', async (t) => {
    const [running, starting] = await buildTestInstances(t, kind, 2);
    const alice = await signUp(running.app, 'alice');
    const idHash = sessionHash(running, alice);
    await setSession(running, idHash, { expires_at: Date.now() - 1 });
    await starting.app.ready();
    assert.equal(await storedSession(running, idHash), undefined);
  });
});

test('the scheduled purge repeats every interval, survives a failure, and stops when the app closes', async () => {
  const app = Fastify({ logger: false });
  let calls = 0;
  let repeated!: () => void;
  const threeCalls = new Promise<void>((resolve) => { repeated = resolve; });
  scheduleSessionPurge(app, async () => {
    calls += 1;
    if (calls === 3) repeated();
    if (calls === 1) throw new Error('database unavailable');
    return 0;
  }, 5);
  await app.ready();
  assert.equal(calls, 1, 'once when the app is ready');
  // The purge timer does not hold the process open: this one does, while the test waits.
  const keepAlive = setInterval(() => {}, 1000);
  await threeCalls;
  clearInterval(keepAlive);
  await app.close();
  const afterClose = calls;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(calls, afterClose);
});
