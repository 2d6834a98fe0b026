import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, passwordFor, register, signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { instancesHeard } from '../../helpers/credential-notices.js';

const CSRF_MISSING = { detail: 'CSRF Failed: CSRF token missing.' };
const CSRF_INCORRECT = { detail: 'CSRF Failed: CSRF token incorrect.' };
const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const ORIGIN_FAILED = /^CSRF Failed: Origin checking failed/;

// A secret and two of its masked forms, from Django's own CSRF tests (tests/csrf_tests/tests.py).
const DJANGO_SECRET = 'lcccccccX2kcccccccY2jcccccccssIC';
const DJANGO_MASKED_SECRETS = [
  '1bcdefghij2bcdefghij3bcdefghij4bcdefghij5bcdefghij6bcdefghijABCD',
  '2JgchWvM1tpxT2lfz9aydoXW9yT1DN3NdLiejYxOOlzzV4nhBbYqmqZYbAV3V5Bf',
];

const hello = { recipient: 'bob', content: 'hello' };

describeEachDatabase('CSRF', (kind) => {
  test('an unsafe request with a session but no token is refused as missing', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    alice.csrfToken = null;
    const res = await alice.post('/messages/', hello);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_MISSING);
  });

  test('a missing token is reported before the body is looked at', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    alice.csrfToken = null;
    const res = await alice.post('/messages/', {});
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_MISSING);
  });

  test('DELETE with a session but no token is refused as missing', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    alice.csrfToken = null;
    const res = await alice.delete('/messages/1/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_MISSING);
  });

  test('a wrong token is refused as incorrect', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': 'a'.repeat(64) });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_INCORRECT);
  });

  test('a token of the wrong length is refused as incorrect', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': alice.cookies.get('csrftoken')!.slice(1) });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_INCORRECT);
  });

  test('a token with characters outside letters and digits is refused as incorrect', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': `${alice.cookies.get('csrftoken')!.slice(1)}-` });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_INCORRECT);
  });

  test('the 32-character secret from the csrftoken cookie is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const secret = alice.cookies.get('csrftoken')!;
    assert.equal(secret.length, 32);
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': secret });
    assert.equal(res.statusCode, 201);
  });

  test('the 64-character masked token from the login response is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    assert.equal(alice.csrfToken!.length, 64);
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': alice.csrfToken! });
    assert.equal(res.statusCode, 201);
  });

  test('tokens masked by Django itself are accepted', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await testDatabase.database.db.updateTable('sessions').set({ csrf_secret: DJANGO_SECRET }).execute();
    await instancesHeard(testDatabase);
    for (const token of DJANGO_MASKED_SECRETS) {
      const res = await alice.post('/messages/', hello, { 'x-csrftoken': token });
      assert.equal(res.statusCode, 201, token);
    }
  });

  test("another user's token is refused as incorrect", async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const res = await alice.post('/messages/', hello, { 'x-csrftoken': bob.csrfToken! });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_INCORRECT);
  });

  test("another session's secret is refused even when sent as the csrftoken cookie too", async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const bobSecret = bob.cookies.get('csrftoken')!;
    const res = await alice.post('/messages/', hello, {
      cookie: `sessionid=${alice.cookies.get('sessionid')}; csrftoken=${bobSecret}`,
      'x-csrftoken': bobSecret,
    });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_INCORRECT);
  });

  test('a client sending only the sessionid cookie and the X-CSRFToken header is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    await register(app, 'bob');
    const login = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password: passwordFor('alice') } });
    const session = login.cookies.find((cookie) => cookie.name === 'sessionid')!.value;
    const res = await app.inject({
      method: 'POST',
      url: '/messages/',
      payload: hello,
      headers: { cookie: `sessionid=${session}`, 'x-csrftoken': login.json().csrf_token },
    });
    assert.equal(res.statusCode, 201);
  });

  test('a safe request needs no token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    alice.csrfToken = null;
    const res = await alice.get('/users-list/');
    assert.equal(res.statusCode, 200);
  });

  test('registering without a session needs no token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).post('/register/', {
      username: 'alice', email: 'alice@example.com', password: passwordFor('alice'),
    });
    assert.equal(res.statusCode, 201);
  });

  test('logging in without a session needs no token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(res.statusCode, 200);
  });

  test('logging in with a session cookie that is no longer valid needs no token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice') },
      { cookie: 'sessionid=expired-or-unknown' });
    assert.equal(res.statusCode, 200);
  });

  test('logging in again over a live session needs its token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const session = alice.cookies.get('sessionid');
    alice.csrfToken = null;
    const res = await alice.post('/login/', { username: 'alice', password: passwordFor('alice') });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), CSRF_MISSING);
    assert.equal(alice.cookies.get('sessionid'), session);
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('an unauthenticated POST /messages/ gets 403', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'bob');
    const res = await new TestClient(app).post('/messages/', hello);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
  });

  test('an unknown session cookie on POST /messages/ is not authenticated', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'bob');
    const res = await new TestClient(app).post('/messages/', hello, { cookie: 'sessionid=no-such-session' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_AUTHENTICATED);
  });
});

describeEachDatabase('Origin checking', (kind) => {
  test('a foreign Origin on an unsafe request is refused, even with the right token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { origin: 'https://evil.example' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(Object.keys(res.json()), ['detail']);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('a foreign Origin is refused on login too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await new TestClient(app).post('/login/', { username: 'alice', password: passwordFor('alice') },
      { origin: 'https://evil.example' });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
    assert.equal(res.headers['set-cookie'], undefined);
  });

  test('an Origin of null is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { origin: 'null' });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('a subdomain of the host is a foreign origin', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { host: 'chat.example.com', origin: 'http://evil.chat.example.com' });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('a Host that is more than a host is no match for an Origin of its first part', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const host of ['evil.example/chat', 'evil.example?x', 'evil.example#x', 'user@evil.example']) {
      const origin = `http://${new URL(`http://${host}`).host}`;
      const res = await alice.post('/messages/', hello, { host, origin });
      assert.equal(res.statusCode, 403, host);
      assert.match(res.json().detail, ORIGIN_FAILED, host);
    }
  });

  test('the same port-less host as Origin is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { host: 'chat.example.com', origin: 'http://chat.example.com' });
    assert.equal(res.statusCode, 201);
  });

  test('the same host and port as Origin is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { host: 'localhost:8000', origin: 'http://localhost:8000' });
    assert.equal(res.statusCode, 201);
  });

  test('behind a trusted proxy the Origin is compared with X-Forwarded-Host; from anyone else that header is not believed', async (t) => {
    const proxied = { host: 'backend:8000', 'x-forwarded-host': 'chat.example.com', 'x-forwarded-proto': 'https', origin: 'https://chat.example.com' };
    const behindProxy = await buildTestApp(t, kind, { TRUST_PROXY: 'loopback' });
    const alice = await signUp(behindProxy.app, 'alice');
    await register(behindProxy.app, 'bob');
    assert.equal((await alice.post('/messages/', hello, proxied)).statusCode, 201);

    const direct = await buildTestApp(t, kind);
    const carol = await signUp(direct.app, 'carol');
    await register(direct.app, 'bob');
    const res = await carol.post('/messages/', hello, proxied);
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('the same host on another port is a foreign origin', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { host: 'localhost:8000', origin: 'http://localhost:3000' });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('a Host with an explicit default port matches the origin written with or without it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    // inject sends "Host: localhost:80", as some clients do; its origin is http://localhost.
    for (const origin of ['http://localhost', 'http://localhost:80']) {
      const res = await alice.post('/messages/', hello, { origin });
      assert.equal(res.statusCode, 201, origin);
    }
  });

  test('an origin in TRUSTED_ORIGINS is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind, { TRUSTED_ORIGINS: 'https://app.example.com' });
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { origin: 'https://app.example.com' });
    assert.equal(res.statusCode, 201);
  });

  test('a trusted origin only counts with its scheme', async (t) => {
    const { app } = await buildTestApp(t, kind, { TRUSTED_ORIGINS: 'https://app.example.com' });
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', hello, { origin: 'http://app.example.com' });
    assert.equal(res.statusCode, 403);
    assert.match(res.json().detail, ORIGIN_FAILED);
  });

  test('an Origin on a safe request is not checked', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/users-list/', { origin: 'https://evil.example' });
    assert.equal(res.statusCode, 200);
  });
});
