import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { issueToken, passwordFor, register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { closed, connect, listen } from '../../helpers/sockets.js';
import { instancesHeard } from '../../helpers/credential-notices.js';
import { TOKENS_PER_USER } from '../../../src/modules/tokens/tokens.service.js';

const INVALID_TOKEN = { detail: 'Invalid token.' };
const INVALID_CREDENTIALS = { detail: 'Invalid username or password.' };
const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const CSRF_MISSING = { detail: 'CSRF Failed: CSRF token missing.' };
const NOT_A_TOKEN_REQUEST = { detail: 'This request was not made with an API token.' };

const hello = { recipient: 'bob', content: 'hello' };

/** A request as a script would make it: no cookies, no CSRF token, only what is given. */
function send(app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: unknown) {
  return app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
}

function assertInvalidToken(res: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, label = ''): void {
  assert.equal(res.statusCode, 401, label);
  assert.deepEqual(res.json(), INVALID_TOKEN, label);
  assert.equal(res.headers['www-authenticate'], 'Token', label);
}

describeEachDatabase('POST /tokens/', (kind) => {
  test('the right credentials get a new token, the user and its creation time', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice');
    const before = Date.now();
    const res = await new TestClient(app).post('/tokens/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.deepEqual(Object.keys(body).sort(), ['created_at', 'id', 'token', 'user']);
    assert.match(body.token, /^[A-Za-z0-9_-]{43}$/);
    assert.match(body.id, /^[A-Za-z0-9_-]{16}$/);
    assert.ok(!body.token.startsWith(body.id), 'the id is not a piece of the token');
    assert.deepEqual(body.user, alice);
    assert.match(body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(Date.parse(body.created_at) >= before - 1 && Date.parse(body.created_at) <= Date.now());
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('the email works in place of the username', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/tokens/', { username: 'Alice@Example.com', password: passwordFor('alice') });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().user.username, 'alice');
  });

  test('every request makes a different token, and each one works', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const first = await issueToken(app, 'alice');
    const second = await issueToken(app, 'alice');
    assert.notEqual(first, second);
    for (const token of [first, second]) {
      assert.equal((await send(app, 'GET', '/me/', { authorization: `Token ${token}` })).statusCode, 200);
    }
  });

  test('only a keyed hash of the token is stored', async (t) => {
    const { app, config, testDatabase } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice');
    const token = await issueToken(app, 'alice');
    const rows = await testDatabase.database.db.selectFrom('api_tokens').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0].user_id), alice.id);
    assert.notEqual(rows[0].id_hash, token);
    assert.ok(!JSON.stringify(rows).includes(token));
    assert.equal(rows[0].id_hash, createHmac('sha256', config.secretKey).update(token).digest('base64url'));
  });

  test('a wrong password and an unknown user get the same 401 as login, and no token', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    for (const credentials of [{ username: 'alice', password: 'not the password' }, { username: 'nobody', password: 'whatever it is' }]) {
      const res = await new TestClient(app).post('/tokens/', credentials);
      assert.equal(res.statusCode, 401, credentials.username);
      assert.deepEqual(res.json(), INVALID_CREDENTIALS);
    }
    assert.deepEqual(await testDatabase.database.db.selectFrom('api_tokens').selectAll().execute(), []);
  });

  test('missing credentials are field errors', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/tokens/', {});
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('made over a live session it needs that session\'s CSRF token, as login does', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const csrfToken = alice.csrfToken;
    alice.csrfToken = null;
    const refused = await alice.post('/tokens/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(refused.statusCode, 403);
    assert.deepEqual(refused.json(), CSRF_MISSING);
    alice.csrfToken = csrfToken;
    const accepted = await alice.post('/tokens/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(accepted.statusCode, 201);
  });
});

describeEachDatabase('the most API tokens one user may hold', (kind) => {
  test('past 50 tokens POST /tokens/ answers 400 and makes none; revoking one makes room', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const issue = (username: string) => new TestClient(app).post('/tokens/', { username, password: passwordFor(username) });
    const ids: string[] = [];
    for (let i = 0; i < TOKENS_PER_USER; i += 1) {
      const res = await issue('alice');
      assert.equal(res.statusCode, 201, `token ${i + 1}: ${res.body}`);
      ids.push(res.json().id);
    }
    const refused = await issue('alice');
    assert.equal(refused.statusCode, 400);
    assert.deepEqual(refused.json(), {
      detail: 'You have 50 API tokens, the most one user may hold: revoke one first (GET /tokens/ lists them, DELETE /tokens/<id>/ revokes one).',
    });
    const count = async () => Number((await testDatabase.database.db.selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow()).count);
    assert.equal(await count(), TOKENS_PER_USER);
    assert.equal((await issue('bob')).statusCode, 201, 'another user is not held back');
    const alice = new TestClient(app);
    assert.equal((await alice.login('alice')).statusCode, 200);
    assert.equal((await alice.delete(`/tokens/${ids[0]}/`)).statusCode, 204);
    assert.equal((await issue('alice')).statusCode, 201);
    assert.equal((await issue('alice')).statusCode, 400);
  });

  test('concurrent requests of one user cannot pass the limit together', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const issue = () => new TestClient(app).post('/tokens/', { username: 'alice', password: passwordFor('alice') });
    for (let i = 0; i < TOKENS_PER_USER - 3; i += 1) assert.equal((await issue()).statusCode, 201);
    const answers = await Promise.all(Array.from({ length: 10 }, issue));
    assert.deepEqual(answers.map((res) => res.statusCode).sort(), [201, 201, 201, 400, 400, 400, 400, 400, 400, 400]);
    const { count } = await testDatabase.database.db.selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    assert.equal(Number(count), TOKENS_PER_USER);
  });
});

describeEachDatabase('authenticating with an API token', (kind) => {
  test('a message sent with Authorization: Token needs no CSRF token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    const res = await send(app, 'POST', '/messages/', { authorization: `Token ${token}` }, hello);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().sender, alice.id);
    assert.equal(res.json().recipient_username, 'bob');
  });

  test('a message sent with Authorization: Bearer needs no CSRF token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    const res = await send(app, 'POST', '/messages/', { authorization: `Bearer ${token}` }, hello);
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().sender, alice.id);
  });

  test('the scheme is read in any case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const token = await issueToken(app, 'alice');
    for (const scheme of ['token', 'TOKEN', 'bearer', 'BEARER']) {
      const res = await send(app, 'GET', '/me/', { authorization: `${scheme} ${token}` });
      assert.equal(res.statusCode, 200, scheme);
    }
  });

  test('a token works for reading too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    await send(app, 'POST', '/messages/', { authorization: `Token ${token}` }, hello);
    const res = await send(app, 'GET', '/list-messages/bob/', { authorization: `Token ${token}` });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().count, 1);
  });

  test('an unknown token is refused with 401 and WWW-Authenticate: Token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    assertInvalidToken(await send(app, 'POST', '/messages/', { authorization: `Token ${wrong}` }, hello), 'POST');
    assertInvalidToken(await send(app, 'GET', '/messages/', { authorization: `Bearer ${wrong}` }), 'GET');
  });

  test('a malformed Token or Bearer header is refused with 401', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const token = await issueToken(app, 'alice');
    for (const authorization of ['Token', 'Bearer', 'Token ', `Token ${token} extra`, `Bearer ${token} ${token}`, 'Token \0']) {
      assertInvalidToken(await send(app, 'GET', '/me/', { authorization }), JSON.stringify(authorization));
    }
  });

  test('a bad token is refused before the body is looked at, and nothing is stored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'bob');
    assertInvalidToken(await send(app, 'POST', '/messages/', { authorization: 'Token nope' }, {}));
    assertInvalidToken(await send(app, 'POST', '/messages/', { authorization: 'Token nope' }, hello));
    assert.deepEqual(await testDatabase.database.db.selectFrom('messages').selectAll().execute(), []);
  });

  test('other schemes such as Basic are ignored: the request is anonymous', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const basic = `Basic ${Buffer.from(`alice:${passwordFor('alice')}`).toString('base64')}`;
    const res = await send(app, 'GET', '/me/', { authorization: basic });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
    assert.equal(res.headers['www-authenticate'], undefined);
  });

  test('with a session cookie too, the token decides and no CSRF token is needed', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'bob');
    const bobToken = await issueToken(app, 'bob');
    alice.csrfToken = null;
    const res = await alice.post('/messages/', { recipient: 'alice', content: 'from bob' }, { authorization: `Token ${bobToken}` });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().sender, bob.id);
  });

  test('a bad token is refused even alongside a live session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    assertInvalidToken(await alice.post('/messages/', hello, { authorization: 'Token not-a-token' }), 'POST');
    assertInvalidToken(await alice.get('/me/', { authorization: 'Bearer not-a-token' }), 'GET');
  });

  test('a session without its CSRF token is still refused when no token is sent', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    alice.csrfToken = null;
    const bare = await alice.post('/messages/', hello);
    assert.equal(bare.statusCode, 403);
    assert.deepEqual(bare.json(), CSRF_MISSING);
    const basic = await alice.post('/messages/', hello, { authorization: 'Basic YWxpY2U6cGFzc3dvcmQ=' });
    assert.equal(basic.statusCode, 403);
    assert.deepEqual(basic.json(), CSRF_MISSING);
  });

  test('a foreign Origin is refused with a token too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    const res = await send(app, 'POST', '/messages/', { authorization: `Token ${token}`, origin: 'https://evil.example' }, hello);
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, /^CSRF Failed: Origin checking failed/);
  });

  test('the token of a deactivated user stops working', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const token = await issueToken(app, 'alice');
    await testDatabase.database.db.updateTable('users').set({ is_active: 0 }).execute();
    await instancesHeard(testDatabase);
    assertInvalidToken(await send(app, 'GET', '/me/', { authorization: `Token ${token}` }));
  });
});

describeEachDatabase('DELETE /tokens/current/', (kind) => {
  test('revokes the token the request was made with: it then gets 401', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const token = await issueToken(app, 'alice');
    const revoked = await send(app, 'DELETE', '/tokens/current/', { authorization: `Token ${token}` });
    assert.equal(revoked.statusCode, 204);
    assert.equal(revoked.body, '');
    assert.deepEqual(await testDatabase.database.db.selectFrom('api_tokens').selectAll().execute(), []);
    assertInvalidToken(await send(app, 'POST', '/messages/', { authorization: `Token ${token}` }, hello), 'after');
    assertInvalidToken(await send(app, 'DELETE', '/tokens/current/', { authorization: `Token ${token}` }), 'again');
  });

  test('leaves the user\'s other tokens and sessions working', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const phone = await issueToken(app, 'alice');
    const laptop = await issueToken(app, 'alice');
    assert.equal((await send(app, 'DELETE', '/tokens/current/', { authorization: `Bearer ${phone}` })).statusCode, 204);
    assert.equal((await send(app, 'GET', '/me/', { authorization: `Bearer ${laptop}` })).statusCode, 200);
    assert.equal((await alice.get('/me/')).statusCode, 200);
  });

  test('made with a session instead of a token is a 400', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.delete('/tokens/current/');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), NOT_A_TOKEN_REQUEST);
  });

  test('made anonymously is a 403', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).delete('/tokens/current/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
  });
});

describeEachDatabase('listing and revoking your tokens by id', (kind) => {
  async function issue(app: FastifyInstance, username: string): Promise<{ token: string; id: string }> {
    const res = await app.inject({ method: 'POST', url: '/tokens/', payload: { username, password: passwordFor(username) } });
    assert.equal(res.statusCode, 201, res.body);
    return { token: res.json().token, id: res.json().id };
  }

  test('GET /tokens/ lists your tokens newest first by id, marking the one the request was made with', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const phone = await issue(app, 'alice');
    const laptop = await issue(app, 'alice');
    await issue(app, 'bob');
    const res = await send(app, 'GET', '/tokens/', { authorization: `Token ${phone.token}` });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().count, 2);
    assert.deepEqual(res.json().results.map((entry: { id: string; current: boolean }) => [entry.id, entry.current]).sort(),
      [[laptop.id, false], [phone.id, true]].sort());
    assert.ok(!res.body.includes(phone.token) && !res.body.includes(laptop.token), 'never the tokens themselves');
    const withSession = await alice.get('/tokens/');
    assert.deepEqual(withSession.json().results.map((entry: { current: boolean }) => entry.current), [false, false]);
  });

  test('DELETE /tokens/<id>/ revokes that token alone, and closes nothing else; someone else\'s id is not found', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const lost = await issue(app, 'alice');
    const kept = await issue(app, 'alice');
    const bobs = await issue(app, 'bob');

    const notYours = await send(app, 'DELETE', `/tokens/${bobs.id}/`, { authorization: `Token ${kept.token}` });
    assert.deepEqual([notYours.statusCode, notYours.json()], [404, { detail: 'Not found.' }]);
    for (const id of ['nope', 'x'.repeat(16), lost.token]) {
      assert.equal((await send(app, 'DELETE', `/tokens/${id}/`, { authorization: `Token ${kept.token}` })).statusCode, 404, id);
    }
    // With the session, as from a browser after losing the phone: the CSRF token is needed, as for any DELETE.
    assert.deepEqual((await alice.delete(`/tokens/${lost.id}/`, { 'x-csrftoken': '' })).json(), CSRF_MISSING);
    const revoked = await alice.delete(`/tokens/${lost.id}/`);
    assert.equal(revoked.statusCode, 204, revoked.body);
    assertInvalidToken(await send(app, 'GET', '/me/', { authorization: `Token ${lost.token}` }));
    assert.equal((await send(app, 'GET', '/me/', { authorization: `Token ${kept.token}` })).statusCode, 200);
    assert.equal((await send(app, 'GET', '/me/', { authorization: `Token ${bobs.token}` })).statusCode, 200);
    assert.equal((await alice.delete(`/tokens/${lost.id}/`)).statusCode, 404, 'revoked already');
  });

  test('revoking a token by id closes the WebSockets opened with it with 4001', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const lost = await issue(app, 'alice');
    const kept = await issue(app, 'alice');
    const url = await listen(app);
    const lostSocket = await connect(t, url, { token: lost.token });
    const keptSocket = await connect(t, url, { token: kept.token });
    assert.equal((await alice.delete(`/tokens/${lost.id}/`)).statusCode, 204);
    assert.deepEqual(await closed(lostSocket), { code: 4001, reason: 'Session ended' });
    assert.equal(keptSocket.readyState, keptSocket.OPEN);
  });
});

describeEachDatabase('API tokens in the OpenAPI document', (kind) => {
  test('the token endpoints, /me/ and the apiToken scheme are documented', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const schema = (await app.inject({ method: 'GET', url: '/api/schema/' })).json();
    assert.ok(schema.paths['/tokens/']?.post?.responses['201']);
    assert.ok(schema.paths['/tokens/current/']?.delete?.responses['400']);
    assert.ok(schema.paths['/me/']?.get?.responses['200']);
    assert.deepEqual(schema.components.securitySchemes.apiToken, {
      ...schema.components.securitySchemes.apiToken, type: 'http', scheme: 'bearer',
    });
    assert.ok(schema.security.some((requirement: Record<string, unknown>) => 'apiToken' in requirement));
    assert.ok(schema.tags.some((tag: { name: string }) => tag.name === 'tokens'));
  });
});
