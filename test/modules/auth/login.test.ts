import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, passwordFor, register, signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { HASHING_QUEUE_LIMIT } from '../../../src/modules/auth/passwords.js';

const INVALID_CREDENTIALS = { detail: 'Invalid username or password.' };

interface ResponseCookie {
  name: string;
  value: string;
  path?: string;
  maxAge?: number;
  expires?: Date;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

function cookieNamed(res: LightMyRequestResponse, name: string): ResponseCookie | undefined {
  return (res.cookies as ResponseCookie[]).find((cookie) => cookie.name === name);
}

describeEachDatabase('POST /login/', (kind) => {
  test('logging in by username answers with the detail, a CSRF token and the user', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.match(body.csrf_token, /^[a-zA-Z0-9]{64}$/);
    assert.deepEqual(body, { detail: 'Logged in.', csrf_token: body.csrf_token, user: alice });
  });

  test('the username is matched ignoring case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'Alice');
    const res = await new TestClient(app).post('/login/', { username: 'aLICE', password: passwordFor('Alice') });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().user, alice);
  });

  test('the email address logs in too, in any case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await register(app, 'alice', 'alice@example.com');
    const res = await new TestClient(app).post('/login/', { username: 'ALICE@Example.COM', password: passwordFor('alice') });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json().user, alice);
  });

  test('spaces around the username are ignored', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: ' alice ', password: passwordFor('alice') });
    assert.equal(res.statusCode, 200);
  });

  test('a form-encoded body logs in too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const form = new URLSearchParams({ username: 'alice', password: passwordFor('alice') }).toString();
    const res = await new TestClient(app).post('/login/', form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().detail, 'Logged in.');
  });

  test('the session cookie is HttpOnly and SameSite=Lax; the CSRF cookie is readable by scripts', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).login('alice');
    const session = cookieNamed(res, 'sessionid')!;
    const csrf = cookieNamed(res, 'csrftoken')!;
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.path, '/');
    assert.ok(session.maxAge! > 0);
    assert.ok(!csrf.httpOnly);
    assert.equal(csrf.sameSite, 'Lax');
    assert.equal(csrf.path, '/');
    assert.match(csrf.value, /^[a-zA-Z0-9]{32}$/);
  });

  test('over plain HTTP the cookies are not marked Secure', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).login('alice');
    assert.ok(!cookieNamed(res, 'sessionid')!.secure);
    assert.ok(!cookieNamed(res, 'csrftoken')!.secure);
  });

  test('with SECURE_COOKIES the cookies are marked Secure', async (t) => {
    const { app } = await buildTestApp(t, kind, { SECURE_COOKIES: 'true' });
    await register(app, 'alice');
    const res = await new TestClient(app).login('alice');
    assert.equal(cookieNamed(res, 'sessionid')!.secure, true);
    assert.equal(cookieNamed(res, 'csrftoken')!.secure, true);
  });

  test('an unknown user gets 401 Invalid username or password', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/login/', { username: 'nobody', password: 'whatever-password' });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_CREDENTIALS);
  });

  test('a wrong password gets 401 Invalid username or password', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: 'not-her-password' });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_CREDENTIALS);
  });

  test('an unknown user and a wrong password get the same answer, byte for byte', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const unknown = await new TestClient(app).post('/login/', { username: 'nobody', password: 'not-her-password' });
    const wrong = await new TestClient(app).post('/login/', { username: 'alice', password: 'not-her-password' });
    assert.equal(unknown.statusCode, wrong.statusCode);
    assert.equal(unknown.body, wrong.body);
    assert.equal(unknown.headers['content-type'], wrong.headers['content-type']);
  });

  test('an unknown email gets the same 401', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/login/', { username: 'nobody@example.com', password: 'whatever-password' });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_CREDENTIALS);
  });

  test('the password is case-sensitive', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice').toUpperCase() });
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_CREDENTIALS);
  });

  test('a deactivated user cannot log in', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await testDatabase.database.db.updateTable('users').set({ is_active: 0 }).where('username', '=', 'alice').execute();
    const res = await new TestClient(app).login('alice');
    assert.equal(res.statusCode, 401);
    assert.deepEqual(res.json(), INVALID_CREDENTIALS);
  });

  test('a failed login sets no cookie', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: 'not-her-password' });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('a failed login leaves the current session alone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const failed = await alice.post('/login/', { username: 'alice', password: 'not-her-password' });
    assert.equal(failed.statusCode, 401);
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('missing fields are required', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/login/', {});
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['This field is required.'], password: ['This field is required.'] });
  });

  test('a missing password is required', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This field is required.'] });
  });

  test('a blank password may not be blank', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: '' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This field may not be blank.'] });
  });

  test('a number as the username is taken as its text; a list is not a valid string', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/login/', { username: 42, password: 'whatever-password' });
    assert.deepEqual([res.statusCode, res.json()], [401, { detail: 'Invalid username or password.' }]);
    const list = await new TestClient(app).post('/login/', { username: ['alice'], password: 'whatever-password' });
    assert.deepEqual([list.statusCode, list.json()], [400, { username: ['Not a valid string.'] }]);
  });

  test('every login opens a new session with a new CSRF secret', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const first = await new TestClient(app).login('alice');
    const second = await new TestClient(app).login('alice');
    assert.notEqual(cookieNamed(second, 'sessionid')!.value, cookieNamed(first, 'sessionid')!.value);
    assert.notEqual(cookieNamed(second, 'csrftoken')!.value, cookieNamed(first, 'csrftoken')!.value);
    assert.notEqual(second.json().csrf_token, first.json().csrf_token);
  });

  test('logging in again replaces the session the client came with', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const oldSession = alice.cookies.get('sessionid')!;
    const oldSecret = alice.cookies.get('csrftoken')!;
    const again = await alice.login('alice');
    assert.equal(again.statusCode, 200);
    assert.notEqual(alice.cookies.get('sessionid'), oldSession);
    assert.notEqual(alice.cookies.get('csrftoken'), oldSecret);
    const replay = await new TestClient(app).get('/users-list/', { cookie: `sessionid=${oldSession}` });
    assert.equal(replay.statusCode, 403);
    assert.deepEqual(replay.json(), { detail: 'Authentication credentials were not provided.' });
    const sessions = await testDatabase.database.db.selectFrom('sessions').select('id_hash').execute();
    assert.equal(sessions.length, 1);
  });

  test('the CSRF token of a replaced session no longer works', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const oldToken = alice.csrfToken!;
    await alice.login('alice');
    const res = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'x-csrftoken': oldToken });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'CSRF Failed: CSRF token incorrect.' });
  });

  test('logging in on a second client keeps the first session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const phone = await signUp(app, 'alice');
    const laptop = new TestClient(app);
    assert.equal((await laptop.login('alice')).statusCode, 200);
    assert.equal((await phone.get('/users-list/')).statusCode, 200);
    assert.equal((await laptop.get('/users-list/')).statusCode, 200);
  });
});

describeEachDatabase('logins while the password hashing is full', (kind) => {
  test('past the hashing queue\'s bound a login gets 503 with Retry-After at once, and the rest are answered', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const attempts = HASHING_QUEUE_LIMIT + 60;
    const answers = await Promise.all(Array.from({ length: attempts }, (_, i) => app.inject({
      method: 'POST', url: '/login/', payload: { username: 'alice', password: i % 2 === 0 ? passwordFor('alice') : 'wrong-password' },
    })));
    const busy = answers.filter((res) => res.statusCode === 503);
    assert.ok(busy.length > 0, 'some logins found the queue full');
    assert.ok(answers.length - busy.length > HASHING_QUEUE_LIMIT, 'the queue held its bound of logins, and more went through');
    for (const res of busy) {
      assert.deepEqual(res.json(), { detail: 'Too many logins at once: try again in a moment.' });
      assert.equal(res.headers['retry-after'], '1');
      assert.equal(res.headers['set-cookie'], undefined);
    }
    for (const res of answers.filter((answer) => answer.statusCode !== 503)) assert.ok([200, 401].includes(res.statusCode), res.body);
    assert.equal((await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password: passwordFor('alice') } })).statusCode, 200,
      'once the storm is over, logins are answered again');
  });
});

describeEachDatabase('/logout/', (kind) => {
  test('GET /logout/ deletes the session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const session = alice.cookies.get('sessionid')!;
    const res = await alice.get('/logout/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { detail: 'Logged out.' });
    const replay = await new TestClient(app).get('/users-list/', { cookie: `sessionid=${session}` });
    assert.equal(replay.statusCode, 403);
  });

  test('POST /logout/ with the CSRF token deletes the session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const session = alice.cookies.get('sessionid')!;
    const res = await alice.post('/logout/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { detail: 'Logged out.' });
    const replay = await new TestClient(app).get('/users-list/', { cookie: `sessionid=${session}` });
    assert.equal(replay.statusCode, 403);
  });

  test('POST /logout/ with a session but no CSRF token is refused and keeps the session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    alice.csrfToken = null;
    const res = await alice.post('/logout/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'CSRF Failed: CSRF token missing.' });
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('logging out clears both cookies', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/logout/');
    for (const name of ['sessionid', 'csrftoken']) {
      const cookie = cookieNamed(res, name)!;
      assert.equal(cookie.value, '', name);
      assert.equal(cookie.maxAge, 0, name);
      assert.equal(cookie.path, '/', name);
    }
    assert.equal(alice.cookies.size, 0);
  });

  test('GET /logout/ when not logged in answers Logged out.', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get('/logout/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { detail: 'Logged out.' });
  });

  test('POST /logout/ when not logged in answers Logged out.', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/logout/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { detail: 'Logged out.' });
  });

  test('logging out with a session that no longer exists answers Logged out.', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/logout/', undefined, { cookie: 'sessionid=no-such-session' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { detail: 'Logged out.' });
  });

  test('logging out ends only that session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const phone = await signUp(app, 'alice');
    const laptop = new TestClient(app);
    await laptop.login('alice');
    await phone.get('/logout/');
    assert.equal((await phone.get('/users-list/')).statusCode, 403);
    assert.equal((await laptop.get('/users-list/')).statusCode, 200);
  });

  test('a logout a browser sent from another site is refused and keeps the session and its cookies', async (t) => {
    const { app } = await buildTestApp(t, kind, { TRUSTED_ORIGINS: 'https://app.example.com' });
    const alice = await signUp(app, 'alice');
    const crossSite = [
      ['GET', { 'sec-fetch-site': 'cross-site' }],
      ['GET', { origin: 'https://evil.example' }],
      ['GET', { origin: 'null' }],
      ['GET', { referer: 'https://evil.example/page.html' }],
      ['GET', { referer: 'not a url' }],
      ['POST', { 'sec-fetch-site': 'cross-site' }],
      ['POST', { referer: 'https://evil.example/form' }],
    ] as const;
    for (const [method, headers] of crossSite) {
      const res = await alice.request(method, '/logout/', undefined, headers);
      assert.equal(res.statusCode, 403, `${method} ${JSON.stringify(headers)}`);
      assert.deepEqual(res.json(), { detail: 'CSRF Failed: a request from another site may not log out.' });
      assert.equal(res.headers['set-cookie'], undefined, 'no cookie is cleared');
      assert.equal((await alice.get('/users-list/')).statusCode, 200, `still logged in after ${method} ${JSON.stringify(headers)}`);
    }
  });

  test('a logout from this site, a trusted origin or a client that is no browser still logs out', async (t) => {
    const { app } = await buildTestApp(t, kind, { TRUSTED_ORIGINS: 'https://app.example.com' });
    const sameSite: Record<string, string>[] = [
      { 'sec-fetch-site': 'same-origin', referer: 'http://localhost:80/chat' },
      { 'sec-fetch-site': 'none' },
      { origin: 'https://app.example.com', referer: 'https://app.example.com/settings' },
      // A trusted front end on another site: the browser says cross-site, the Origin says which.
      { origin: 'https://app.example.com', 'sec-fetch-site': 'cross-site' },
      {},
    ];
    await register(app, 'alice');
    for (const headers of sameSite) {
      const alice = new TestClient(app);
      assert.equal((await alice.login('alice')).statusCode, 200);
      const res = await alice.get('/logout/', headers);
      assert.equal(res.statusCode, 200, JSON.stringify(headers));
      assert.equal((await alice.get('/users-list/')).statusCode, 403, `logged out with ${JSON.stringify(headers)}`);
    }
  });

  test('HEAD /logout/ is not allowed and logs nobody out', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.request('HEAD', '/logout/');
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'GET, POST');
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('a username or password holding a NUL is refused as DRF\'s CharField refuses it, and sets no session', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const client = new TestClient(app);
    const byName = await client.post('/login/', { username: 'alice\u0000', password: passwordFor('alice') });
    assert.equal(byName.statusCode, 400);
    assert.deepEqual(byName.json(), { username: ['Null characters are not allowed.'] });
    const byPassword = await client.post('/login/', { username: 'alice', password: `${passwordFor('alice')}\u0000` });
    assert.equal(byPassword.statusCode, 400);
    assert.deepEqual(byPassword.json(), { password: ['Null characters are not allowed.'] });
    assert.equal(byPassword.headers['set-cookie'], undefined);
  });
});

test('on SQLite, a login whose commit cannot be flushed to the disk fails, and the service stops being ready until restarted', async (t) => {
  const { app, testDatabase } = await buildTestApp(t, 'sqlite');
  await register(app, 'alice');
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 200);
  // Without its name in the directory, the WAL cannot be opened to be flushed.
  rmSync(`${testDatabase.url.slice('sqlite:'.length)}-wal`);
  const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice') });
  assert.equal(res.statusCode, 500);
  assert.deepEqual(res.json(), { detail: 'A server error occurred.' });
  assert.equal(res.cookies.length, 0, 'no session is handed out');
  assert.equal((await app.inject({ url: '/readyz' })).statusCode, 503);
});
