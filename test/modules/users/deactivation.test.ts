import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { ApiError } from '../../../src/errors.js';
import { createAuthService } from '../../../src/modules/auth/auth.service.js';
import { argon2Passwords, type Passwords } from '../../../src/modules/auth/passwords.js';
import { createSessionsRepository } from '../../../src/modules/auth/sessions.repository.js';
import { createTokensRepository } from '../../../src/modules/tokens/tokens.repository.js';
import { createTokensService } from '../../../src/modules/tokens/tokens.service.js';
import { createAccountsService } from '../../../src/modules/users/accounts.service.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { runUsersCommand as runUsersCommandOn } from '../../helpers/cli.js';
import { issueToken, passwordFor, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase, testRedisUrl } from '../../helpers/databases.js';
import { silentServer } from '../../helpers/silent-server.js';
import { closed, connect, listen, nextEvent } from '../../helpers/sockets.js';
import { instancesHeard } from '../../helpers/credential-notices.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const INVALID_TOKEN = { detail: 'Invalid token.' };
const INVALID_CREDENTIALS = { detail: 'Invalid username or password.' };

const redisUrl = testRedisUrl();
const needsRedis = { skip: redisUrl === null ? 'TEST_REDIS_URL is not set' : false };

function accountsOn({ testDatabase }: TestApp) {
  const ended: string[] = [];
  const accounts = createAccountsService({
    users: createUsersRepository(testDatabase.database.db), onCredentialEnded: (idHash) => { ended.push(idHash); },
    heardEverywhere: () => instancesHeard(testDatabase),
  });
  return { accounts, ended };
}

/** Passwords whose next check, once made, waits until `release` is called; `checked` resolves when it has been made. */
function pausedPasswords() {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((resolve) => { release = resolve; });
  const checked = new Promise<void>((resolve) => { reached = resolve; });
  const passwords: Passwords = {
    ...argon2Passwords,
    async verify(storedHash, password) {
      const valid = await argon2Passwords.verify(storedHash, password);
      reached();
      await gate;
      return valid;
    },
  };
  return { passwords, checked, release };
}

const me = (app: FastifyInstance, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/me/', headers });

async function credentialHashes({ testDatabase }: TestApp, userId: number) {
  const { db } = testDatabase.database;
  const sessions = await db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId).execute();
  const tokens = await db.selectFrom('api_tokens').select('id_hash').where('user_id', '=', userId).execute();
  return { sessions: sessions.map((row) => row.id_hash).sort(), tokens: tokens.map((row) => row.id_hash).sort() };
}

/** `npm run users -- <args>` against the test database. */
function runUsersCommand({ testDatabase }: TestApp, args: string[], env: Record<string, string> = {}) {
  const databaseUrl = testDatabase.searchPath
    ? `${testDatabase.url}${testDatabase.url.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${testDatabase.searchPath}`)}`
    : testDatabase.url;
  return runUsersCommandOn(databaseUrl, args, env);
}

describeEachDatabase('deactivating a user', (kind) => {
  test('ends every session and API token of the user, in the database and for their sockets, and nobody else\'s', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const { app } = testApp;
    const alice = await signUp(app, 'alice');
    await new TestClient(app).login('alice');
    await issueToken(app, 'alice');
    await issueToken(app, 'alice');
    const bob = await signUp(app, 'bob');
    const bobToken = await issueToken(app, 'bob');
    const before = await credentialHashes(testApp, alice.user.id);
    const bobBefore = await credentialHashes(testApp, bob.user.id);
    const { accounts, ended } = accountsOn(testApp);

    const change = await accounts.deactivate('alice');
    assert.deepEqual(change, { user: alice.user, wasActive: true, endedSessions: 2, revokedTokens: 2 });
    assert.deepEqual(ended.sort(), [...before.sessions, ...before.tokens].sort());
    assert.deepEqual(await credentialHashes(testApp, alice.user.id), { sessions: [], tokens: [] });
    assert.deepEqual(await credentialHashes(testApp, bob.user.id), bobBefore);
    assert.equal((await bob.get('/me/')).statusCode, 200);
    assert.equal((await me(app, { authorization: `Token ${bobToken}` })).statusCode, 200);
  });

  test('afterwards the old cookie gets 403, the old token 401, and logging in or getting a token 401', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const { app } = testApp;
    const alice = await signUp(app, 'alice');
    const token = await issueToken(app, 'alice');
    await accountsOn(testApp).accounts.deactivate('alice');

    const withCookie = await alice.get('/me/');
    assert.equal(withCookie.statusCode, 403);
    assert.deepEqual(withCookie.json(), NOT_AUTHENTICATED);
    const withToken = await me(app, { authorization: `Token ${token}` });
    assert.equal(withToken.statusCode, 401);
    assert.deepEqual(withToken.json(), INVALID_TOKEN);
    for (const url of ['/login/', '/tokens/']) {
      const res = await new TestClient(app).post(url, { username: 'alice', password: passwordFor('alice') });
      assert.equal(res.statusCode, 401, url);
      assert.deepEqual(res.json(), INVALID_CREDENTIALS, url);
    }
  });

  test('activating lets the user log in again; what deactivation ended stays ended', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const { app } = testApp;
    const alice = await signUp(app, 'alice');
    const token = await issueToken(app, 'alice');
    const { accounts } = accountsOn(testApp);
    await accounts.deactivate('alice');

    assert.deepEqual(await accounts.activate('alice'), { user: alice.user, wasActive: false, endedSessions: 0, revokedTokens: 0 });
    assert.equal((await alice.get('/me/')).statusCode, 403);
    assert.equal((await me(app, { authorization: `Token ${token}` })).statusCode, 401);
    const again = new TestClient(app);
    assert.equal((await again.login('alice')).statusCode, 200);
    assert.deepEqual((await again.get('/me/')).json(), alice.user);
    assert.equal((await me(app, { authorization: `Token ${await issueToken(app, 'alice')}` })).statusCode, 200);
  });

  test('a user is found by username or email in any case; an unknown one changes nothing', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const { accounts } = accountsOn(testApp);
    assert.equal(await accounts.deactivate('nobody'), null);
    assert.equal(await accounts.activate('nobody@example.com'), null);
    assert.equal((await alice.get('/me/')).statusCode, 200);
    assert.equal((await accounts.deactivate(' ALICE@example.com '))?.user.id, alice.user.id);
    assert.equal((await accounts.deactivate('Alice'))?.wasActive, false);
    assert.equal((await accounts.activate('alice'))?.wasActive, false);
    assert.equal((await accounts.activate('alice'))?.wasActive, true);
  });

  test('a login or token whose password check straddles the deactivation is refused, and does not come back on activation', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const { db, dialect } = testApp.testDatabase.database;
    const { accounts } = accountsOn(testApp);
    const { secretKey, sessionLifetimeSeconds } = testApp.config;
    const attempts = {
      login: (passwords: Passwords) => createAuthService({
        users: createUsersRepository(db), sessions: createSessionsRepository(db, dialect), passwords, secretKey, sessionLifetimeSeconds,
      }).login('alice', passwordFor('alice')),
      token: (passwords: Passwords) => createTokensService({
        auth: createAuthService({ users: createUsersRepository(db), sessions: createSessionsRepository(db, dialect), passwords, secretKey,
          sessionLifetimeSeconds }),
        tokens: createTokensRepository(db, dialect), secretKey,
      }).issue('alice', passwordFor('alice')),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const { passwords, checked, release } = pausedPasswords();
      const outcome = attempt(passwords).then(() => null, (error: unknown) => error);
      await checked;
      await accounts.deactivate('alice');
      release();
      const error = await outcome;
      assert.ok(error instanceof ApiError, `${name}: ${String(error)}`);
      assert.deepEqual([error.statusCode, error.body], [401, INVALID_CREDENTIALS], name);
      await accounts.activate('alice');
      assert.deepEqual(await credentialHashes(testApp, alice.user.id), { sessions: [], tokens: [] }, name);
    }
  });

  test('those who talked with a deactivated user can still read and clear that conversation; nobody can write to them', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const bob = await signUp(testApp.app, 'bob');
    const carol = await signUp(testApp.app, 'carol');
    const sent = (await bob.post('/messages/', { recipient: 'alice', content: 'bye' })).json();
    await accountsOn(testApp).accounts.deactivate('bob');
    const [entry] = (await alice.get('/conversations/')).json().results;
    assert.equal(entry.unread_count, 1);
    for (const peer of ['bob', 'bob@example.com']) {
      const history = await alice.get(`/list-messages/${peer}/`);
      assert.equal(history.statusCode, 200, peer);
      assert.deepEqual(history.json().results, [sent]);
    }
    assert.equal((await alice.get(`/list-messages/bob/?before=${sent.id + 1}`)).json().results.length, 1);
    const read = await alice.post('/conversations/bob/read/', { up_to: sent.id });
    assert.equal(read.statusCode, 200, read.body);
    assert.equal((await alice.get('/conversations/')).json().results[0].unread_count, 0);
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'hello?' })).statusCode, 400);
    assert.equal((await carol.get('/list-messages/bob/')).statusCode, 404);
    assert.equal((await carol.post('/conversations/bob/read/', { up_to: sent.id })).statusCode, 404);
  });

  test('a session or token left behind for an inactive user does not authenticate', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const token = await issueToken(testApp.app, 'alice');
    await testApp.testDatabase.database.db.updateTable('users').set({ is_active: 0 }).where('id', '=', alice.user.id).execute();
    await instancesHeard(testApp.testDatabase);
    assert.equal((await alice.get('/me/')).statusCode, 403);
    assert.equal((await me(testApp.app, { authorization: `Token ${token}` })).statusCode, 401);
  });
});

describeEachDatabase('npm run users', (kind) => {
  test('deactivate ends the sessions and tokens, and activate lets the user back in', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await signUp(testApp.app, 'alice');
    const token = await issueToken(testApp.app, 'alice');

    // The command has no use for a secret key, so it neither needs SECRET_KEY nor makes one.
    const deactivated = await runUsersCommand(testApp, ['deactivate', 'alice'], { SECRET_KEY: '' });
    assert.equal(deactivated.code, 0, deactivated.stderr);
    if (kind === 'sqlite') {
      assert.equal(existsSync(join(dirname(testApp.testDatabase.url.slice('sqlite:'.length)), 'secret_key')), false);
    }
    assert.equal(deactivated.stdout.trim(), `Deactivated alice (id ${alice.user.id}): ended 1 session and 1 API token.`);
    assert.match(deactivated.stderr, /REDIS_URL is not set/);
    assert.equal((await alice.get('/me/')).statusCode, 403);
    assert.equal((await me(testApp.app, { authorization: `Token ${token}` })).statusCode, 401);
    assert.equal((await new TestClient(testApp.app).login('alice')).statusCode, 401);

    const activated = await runUsersCommand(testApp, ['activate', 'alice@example.com']);
    assert.equal(activated.code, 0, activated.stderr);
    assert.equal(activated.stdout.trim(), `Activated alice (id ${alice.user.id}).`);
    assert.equal((await new TestClient(testApp.app).login('alice')).statusCode, 200);
  });

  test('an unknown user exits with 1, a wrong command with 2 and the usage', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const unknown = await runUsersCommand(testApp, ['deactivate', 'nobody']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr.trim(), 'No user with the username or email "nobody".');
    for (const args of [[], ['delete', 'alice'], ['deactivate'], ['deactivate', 'alice', 'bob']]) {
      const wrong = await runUsersCommand(testApp, args);
      assert.equal(wrong.code, 2, args.join(' '));
      assert.match(wrong.stderr, /^Usage: npm run users -- deactivate <username or email>/, args.join(' '));
    }
  });

  test('with a Redis that takes the connection and never answers, deactivate still finishes and says the word did not go out', { timeout: 60_000 }, async (t) => {
    const silent = await silentServer(t);
    const testApp = await buildTestApp(t, kind);
    await signUp(testApp.app, 'alice');
    const result = await runUsersCommand(testApp, ['deactivate', 'alice'], { REDIS_URL: silent.url('redis') });
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /Deactivated alice/);
    assert.match(result.stderr, /^Could not tell the running instances through Redis .* The account change itself is saved\.$/m);
    assert.ok(silent.accepted() > 0, 'the command connected to the silent server');
  });

  test('with REDIS_URL, deactivate closes the user\'s sockets on a running instance, and only theirs', needsRedis, async (t) => {
    const env = { REDIS_URL: redisUrl!, REDIS_PREFIX: `test-${randomBytes(8).toString('hex')}:` };
    const testApp = await buildTestApp(t, kind, env);
    const url = await listen(testApp.app);
    const alice = await signUp(testApp.app, 'alice');
    const bob = await signUp(testApp.app, 'bob');
    const aliceSockets = [await connect(t, url, { as: alice }), await connect(t, url, { token: await issueToken(testApp.app, 'alice') })];
    const bobSocket = await connect(t, url, { as: bob });

    const result = await runUsersCommand(testApp, ['deactivate', 'alice'], env);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    for (const socket of aliceSockets) assert.deepEqual(await closed(socket), { code: 4001, reason: 'Session ended' });
    const sent = await new TestClient(testApp.app).post('/messages/', { recipient: 'bob', content: 'still there?' }, {
      authorization: `Token ${await issueToken(testApp.app, 'bob')}`,
    });
    assert.equal(sent.statusCode, 201, sent.body);
    await nextEvent(bobSocket, 'message.created');
    assert.equal(bobSocket.readyState, WebSocket.OPEN);
  });
});
