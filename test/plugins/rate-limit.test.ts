import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp, buildTestInstances } from '../helpers/app.js';
import { TestClient, passwordFor, register, signUp } from '../helpers/client.js';
import { describeEachDatabase, testRedisUrl } from '../helpers/databases.js';
import { logSink } from '../helpers/log-sink.js';
import { silentServer } from '../helpers/silent-server.js';
import { connect, listen, refused } from '../helpers/sockets.js';

const LIMITS_ON = { RATE_LIMITS: 'on' };
const redisUrl = testRedisUrl();
const needsRedis = { skip: redisUrl === null ? 'TEST_REDIS_URL is not set' : false };
/** Keys of their own for each test: parallel tests share the Redis, and their users the same names. */
const sharedRedis = () => ({ ...LIMITS_ON, REDIS_URL: redisUrl!, REDIS_PREFIX: `test-${randomBytes(8).toString('hex')}:` });

function login(app: FastifyInstance, username: string, password: string, remoteAddress = '127.0.0.1') {
  return app.inject({ method: 'POST', url: '/login/', payload: { username, password }, remoteAddress });
}

async function failLogins(app: FastifyInstance, username: string, count: number, remoteAddress?: string): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    const res = await login(app, username, 'not-the-password', remoteAddress);
    assert.equal(res.statusCode, 401, `failure ${i + 1}: ${res.body}`);
  }
}

/** A 429 as DRF answers one: the seconds to wait in `Retry-After` and in the detail. */
function assertThrottled(res: LightMyRequestResponse, maxSeconds: number): number {
  assert.equal(res.statusCode, 429, res.body);
  const seconds = Number(res.headers['retry-after']);
  assert.ok(Number.isInteger(seconds) && seconds >= 1 && seconds <= maxSeconds, `Retry-After: ${res.headers['retry-after']}`);
  const unit = seconds === 1 ? 'second' : 'seconds';
  assert.deepEqual(res.json(), { detail: `Request was throttled. Expected available in ${seconds} ${unit}.` });
  return seconds;
}

describeEachDatabase('rate limits', (kind) => {
  test('the sixth failed login for a username is throttled with Retry-After, even with the right password', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 5);
    assertThrottled(await login(app, 'alice', passwordFor('alice')), 30 * 60);
  });

  test('a throttled login answers before the password is checked: a right one sets no session', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 5);
    const res = await login(app, 'alice', passwordFor('alice'));
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['set-cookie'], undefined);
    assert.equal((await testDatabase.database.db.selectFrom('sessions').select('id_hash').execute()).length, 0);
  });

  test('an unknown username is counted and throttled exactly as a known one', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 5);
    await failLogins(app, 'nobody', 5);
    const known = await login(app, 'alice', 'not-the-password');
    const unknown = await login(app, 'nobody', 'not-the-password');
    assert.equal(known.statusCode, 429);
    assert.equal(unknown.statusCode, 429);
    // The same answer but for the seconds left, which depend on when each window opened.
    const withoutSeconds = (body: string) => body.replace(/\d+/, 'N');
    assert.equal(withoutSeconds(known.body), withoutSeconds(unknown.body));
    assert.equal(known.headers['content-type'], unknown.headers['content-type']);
  });

  test('the username is counted ignoring case and surrounding spaces, as it is looked up', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (const spelling of ['alice', 'ALICE', ' Alice ', 'aLiCe', 'alice ']) await failLogins(app, spelling, 1);
    assert.equal((await login(app, 'alice', passwordFor('alice'))).statusCode, 429);
  });

  test('successful logins are not counted', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (let i = 0; i < 8; i += 1) assert.equal((await login(app, 'alice', passwordFor('alice'))).statusCode, 200);
    await failLogins(app, 'alice', 5);
    assertThrottled(await login(app, 'alice', passwordFor('alice')), 30 * 60);
  });

  test('a user who mistyped four times and then got in starts over: five more typos before a 429', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 4);
    assert.equal((await login(app, 'alice', passwordFor('alice'))).statusCode, 200);
    await failLogins(app, 'alice', 5);
    assertThrottled(await login(app, 'alice', passwordFor('alice')), 30 * 60);
  });

  test('a login with one account does not clear the guesses its address made at others', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'mallory');
    for (let i = 0; i < 10; i += 1) await failLogins(app, `victim${i}`, 4);
    assert.equal((await login(app, 'mallory', passwordFor('mallory'))).statusCode, 200);
    await failLogins(app, 'victim10', 5);
    await failLogins(app, 'victim11', 5);
    assertThrottled(await login(app, 'victim12', 'not-the-password'), 30 * 60);
  });

  test('the real user still logs in from another address while the guesser\'s address is throttled', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 5, '203.0.113.7');
    assert.equal((await login(app, 'alice', passwordFor('alice'), '203.0.113.7')).statusCode, 429);
    assert.equal((await login(app, 'alice', passwordFor('alice'), '198.51.100.20')).statusCode, 200);
  });

  test('an IPv6 client is counted by its /64, so changing its last bits does not reset the count', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (let i = 1; i <= 5; i += 1) await failLogins(app, 'alice', 1, `2001:db8:1:2::${i}`);
    assert.equal((await login(app, 'alice', passwordFor('alice'), '2001:db8:1:2::99')).statusCode, 429);
    assert.equal((await login(app, 'alice', passwordFor('alice'), '2001:db8:1:3::1')).statusCode, 200);
  });

  test('an IPv6 client is counted by its /48 too: failed logins spread over its /64s are bounded, another /48 is not', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    // 200 failures at as many accounts, 40 from each of five /64s of one /48: under every /64's limit of 50.
    for (let subnet = 1; subnet <= 5; subnet += 1) {
      for (let i = 0; i < 40; i += 1) {
        const res = await login(app, `victim-${subnet}-${i}`, 'not-the-password', `2001:db8:7:${subnet}::1`);
        assert.equal(res.statusCode, 401, `${subnet}/${i}: ${res.body}`);
      }
    }
    assertThrottled(await login(app, 'alice', passwordFor('alice'), '2001:db8:7:6::1'), 30 * 60);
    assert.equal((await login(app, 'alice', passwordFor('alice'), '2001:db8:8:6::1')).statusCode, 200);
  });

  test('a throttled login is let in once its window has passed', async (t) => {
    const { app } = await buildTestApp(t, kind, { ...LIMITS_ON, LOGIN_FAILURE_WINDOW_SECONDS: '1' });
    await register(app, 'alice');
    await failLogins(app, 'alice', 5);
    const seconds = assertThrottled(await login(app, 'alice', passwordFor('alice')), 1);
    await sleep(seconds * 1000 + 100);
    assert.equal((await login(app, 'alice', passwordFor('alice'))).statusCode, 200);
  });

  test('POST /tokens/ counts in the same failed logins as POST /login/', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    await failLogins(app, 'alice', 5);
    const res = await app.inject({ method: 'POST', url: '/tokens/', payload: { username: 'alice', password: passwordFor('alice') } });
    assertThrottled(res, 30 * 60);
  });

  test('concurrent wrong guesses are counted as they arrive: no more than five are checked', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(app, 'alice', 'not-the-password')));
    const statuses = answers.map((res) => res.statusCode).sort();
    assert.deepEqual(statuses, [...Array(5).fill(401), ...Array(15).fill(429)]);
  });

  test('fifty failed logins from one address, whatever the usernames, throttle that address only', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (let i = 0; i < 50; i += 1) await failLogins(app, `user${i}`, 1, '203.0.113.7');
    assert.equal((await login(app, 'alice', passwordFor('alice'), '203.0.113.7')).statusCode, 429);
    assert.equal((await login(app, 'alice', passwordFor('alice'), '198.51.100.20')).statusCode, 200);
  });

  test('a login refused for its input is not counted', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (let i = 0; i < 6; i += 1) {
      const res = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice' } });
      assert.equal(res.statusCode, 400);
    }
    assert.equal((await login(app, 'alice', passwordFor('alice'))).statusCode, 200);
  });

  test('twenty registrations an hour from one address; the next is throttled, another address is not', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    for (let i = 0; i < 20; i += 1) await register(app, `user${i}`);
    const payload = { username: 'late', email: 'late@example.com', password: passwordFor('late') };
    assertThrottled(await app.inject({ method: 'POST', url: '/register/', payload }), 3600);
    const elsewhere = await app.inject({ method: 'POST', url: '/register/', payload, remoteAddress: '198.51.100.20' });
    assert.equal(elsewhere.statusCode, 201, elsewhere.body);
  });

  test('sixty registrations an hour from one IPv6 /48, whatever /64 they come from; another /48 is not held back', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const registerFrom = (name: string, remoteAddress: string) => app.inject({
      method: 'POST', url: '/register/', remoteAddress,
      payload: { username: name, email: `${name}@example.com`, password: passwordFor(name) },
    });
    for (let subnet = 1; subnet <= 4; subnet += 1) {
      for (let i = 0; i < 15; i += 1) assert.equal((await registerFrom(`user${subnet}x${i}`, `2001:db8:9:${subnet}::1`)).statusCode, 201);
    }
    assertThrottled(await registerFrom('late', '2001:db8:9:5::1'), 3600);
    assert.equal((await registerFrom('late', '2001:db8:a:5::1')).statusCode, 201);
  });

  test('a burst of thirty sends passes; the thirty-first is throttled, and reading still works', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (let i = 0; i < 30; i += 1) {
      const res = await alice.post('/messages/', { recipient: 'bob', content: `message ${i}` });
      assert.equal(res.statusCode, 201, `send ${i + 1}: ${res.body}`);
    }
    assertThrottled(await alice.post('/messages/', { recipient: 'bob', content: 'one too many' }), 10);
    assert.equal((await alice.get('/list-messages/bob/')).json().count, 30);
  });

  test('sends are counted per user: one user\'s burst does not hold back another', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    for (let i = 0; i < 30; i += 1) await alice.post('/messages/', { recipient: 'bob', content: `message ${i}` });
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'held' })).statusCode, 429);
    assert.equal((await bob.post('/messages/', { recipient: 'alice', content: 'hi' })).statusCode, 201);
  });

  test('an authenticated user gets 120 requests in 10 seconds, then 429', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice');
    for (let i = 0; i < 120; i += 1) assert.equal((await alice.get('/me/')).statusCode, 200, `request ${i + 1}`);
    assertThrottled(await alice.get('/me/'), 10);
  });

  test('WebSocket handshakes have a limit of their own: a user over the request limit still connects', async (t) => {
    const { app } = await buildTestApp(t, kind, { ...LIMITS_ON, WS_MAX_SOCKETS_PER_USER: '200' });
    const alice = await signUp(app, 'alice');
    for (let i = 0; i < 120; i += 1) await alice.get('/me/');
    assertThrottled(await alice.get('/me/'), 10);
    const url = await listen(app);
    for (let i = 0; i < 30; i += 1) {
      const socket = await connect(t, url, { as: alice });
      socket.terminate();
    }
    assert.equal((await refused(t, url, { as: alice })).status, 429, 'the thirty-first in a minute');
  });

  test('anonymous requests are counted per address, apart from the users behind it', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice'); // two anonymous requests: register and login
    for (let i = 0; i < 98; i += 1) {
      assert.equal((await new TestClient(app).get('/logout/')).statusCode, 200, `request ${i + 3}`);
    }
    assertThrottled(await new TestClient(app).get('/logout/'), 10);
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('requests refused for their credentials count by address too, and are throttled like any', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice'); // two anonymous requests: register and login
    const refusals = [
      () => app.inject({ method: 'GET', url: '/me/', headers: { authorization: 'Token not-a-token' } }), // 401
      () => new TestClient(app).get('/me/'), // 403, no login
      () => app.inject({ method: 'GET', url: '/me/', headers: { cookie: 'sessionid=guessed' } }), // 403, no such session
      () => new TestClient(app).post('/messages/', { recipient: 'alice', content: 'hi' }, { origin: 'https://evil.example' }), // 403
    ];
    for (let i = 0; i < 98; i += 1) {
      const res = await refusals[i % refusals.length]();
      assert.ok([401, 403].includes(res.statusCode), `request ${i + 3}: ${res.statusCode}`);
    }
    for (const refusal of refusals) {
      const res = await refusal();
      assertThrottled(res, 10);
      assert.equal(res.headers['www-authenticate'], undefined);
    }
    assert.equal((await alice.get('/users-list/')).statusCode, 200);
  });

  test('the API document lists 429 on limited routes', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const document = (await app.inject({ method: 'GET', url: '/api/schema/' })).json();
    assert.ok(document.paths['/login/'].post.responses['429']);
    assert.ok(document.paths['/messages/'].post.responses['429']);
  });

  test('with RATE_LIMITS=off nothing is throttled', async (t) => {
    const { app } = await buildTestApp(t, kind, { RATE_LIMITS: 'off' });
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await failLogins(app, 'bob', 10);
    assert.equal((await login(app, 'bob', passwordFor('bob'))).statusCode, 200);
    for (let i = 0; i < 40; i += 1) {
      assert.equal((await alice.post('/messages/', { recipient: 'bob', content: `message ${i}` })).statusCode, 201);
    }
  });

  test('X-Forwarded-For is ignored without TRUST_PROXY: a guesser cannot pose as other addresses', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    await register(app, 'alice');
    for (let i = 1; i <= 5; i += 1) {
      const res = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password: 'wrong-password' },
        headers: { 'x-forwarded-for': `198.51.100.${i}` } });
      assert.equal(res.statusCode, 401);
    }
    const res = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password: passwordFor('alice') },
      headers: { 'x-forwarded-for': '198.51.100.99' } });
    assert.equal(res.statusCode, 429);
  });

  test('every request counts against its address, 404s and bad tokens too: past 1,000 in 10 seconds even a good one is throttled', async (t) => {
    const { app } = await buildTestApp(t, kind, LIMITS_ON);
    const alice = await signUp(app, 'alice');
    const from = (url: string, headers: Record<string, string> = {}, remoteAddress = '203.0.113.9') =>
      app.inject({ method: 'GET', url, headers, remoteAddress });
    for (let i = 0; i < 500; i += 1) assert.equal((await from(`/no-such-page-${i}/`)).statusCode, 404);
    // Past the first hundred the limit of refused requests per address answers them 429 (see above); they still count.
    for (let i = 0; i < 499; i += 1) assert.ok([401, 429].includes((await from('/me/', { authorization: `Token bad${i}` })).statusCode));
    const cookie = [...alice.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    assert.equal((await from('/me/', { cookie })).statusCode, 200, 'the thousandth is still let in');
    assertThrottled(await from('/me/', { cookie }), 10);
    assertThrottled(await from('/no-such-page/'), 10);
    assert.equal((await from('/readyz')).statusCode, 200, 'the health probes are not limited');
    assert.equal((await from('/me/', { cookie }, '198.51.100.20')).statusCode, 200, 'another address is not held back');
  });

  test('WebSocket handshakes count per user: past 30 a minute one is refused with 429', async (t) => {
    const { app } = await buildTestApp(t, kind, { ...LIMITS_ON, WS_MAX_SOCKETS_PER_USER: '100' });
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    for (let i = 0; i < 30; i += 1) {
      const socket = await connect(t, url, { as: alice });
      socket.close(1000);
    }
    const refusal = await refused(t, url, { as: alice });
    assert.equal(refusal.status, 429);
    assert.match(JSON.parse(refusal.body).detail, /^Request was throttled\. Expected available in \d+ seconds?\.$/);
    await connect(t, url, { as: bob });
  });

  test('with TRUST_PROXY naming the proxy, clients are counted by the address it forwards', async (t) => {
    const { app } = await buildTestApp(t, kind, { ...LIMITS_ON, TRUST_PROXY: '127.0.0.1' });
    await register(app, 'alice');
    const from = (client: string, password: string) => app.inject({ method: 'POST', url: '/login/',
      payload: { username: 'alice', password }, headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 5; i += 1) assert.equal((await from('203.0.113.7', 'wrong-password')).statusCode, 401);
    assert.equal((await from('203.0.113.7', passwordFor('alice'))).statusCode, 429);
    assert.equal((await from('198.51.100.20', passwordFor('alice'))).statusCode, 200);
  });
});

describeEachDatabase('rate limits shared by two instances over Redis', (kind) => {
  test('failed logins on either instance add up', needsRedis, async (t) => {
    const [a, b] = await buildTestInstances(t, kind, 2, sharedRedis());
    await register(a.app, 'alice');
    await failLogins(a.app, 'alice', 3);
    await failLogins(b.app, 'alice', 2);
    assertThrottled(await login(a.app, 'alice', passwordFor('alice')), 30 * 60);
    assertThrottled(await login(b.app, 'alice', passwordFor('alice')), 30 * 60);
  });

  test('a successful login on one instance forgets the typos made on the other', needsRedis, async (t) => {
    const [a, b] = await buildTestInstances(t, kind, 2, sharedRedis());
    await register(a.app, 'alice');
    await failLogins(a.app, 'alice', 4);
    assert.equal((await login(b.app, 'alice', passwordFor('alice'))).statusCode, 200);
    await failLogins(a.app, 'alice', 5);
    assert.equal((await login(b.app, 'alice', passwordFor('alice'))).statusCode, 429);
  });

  test('concurrent guesses spread over both instances are checked no more than five times', needsRedis, async (t) => {
    const [a, b] = await buildTestInstances(t, kind, 2, sharedRedis());
    await register(a.app, 'alice');
    const answers = await Promise.all(Array.from({ length: 20 },
      (_, i) => login(i % 2 === 0 ? a.app : b.app, 'alice', 'not-the-password')));
    assert.equal(answers.filter((res) => res.statusCode === 401).length, 5);
    assert.equal(answers.filter((res) => res.statusCode === 429).length, 15);
  });

  test('a burst of sends split between the instances is throttled at thirty', needsRedis, async (t) => {
    const [a, b] = await buildTestInstances(t, kind, 2, sharedRedis());
    const aliceOnA = await signUp(a.app, 'alice');
    await register(a.app, 'bob');
    const aliceOnB = new TestClient(b.app);
    Object.assign(aliceOnB, { csrfToken: aliceOnA.csrfToken });
    for (const [name, value] of aliceOnA.cookies) aliceOnB.cookies.set(name, value);
    for (let i = 0; i < 30; i += 1) {
      const client = i % 2 === 0 ? aliceOnA : aliceOnB;
      assert.equal((await client.post('/messages/', { recipient: 'bob', content: `message ${i}` })).statusCode, 201);
    }
    assertThrottled(await aliceOnB.post('/messages/', { recipient: 'bob', content: 'one too many' }), 10);
    assertThrottled(await aliceOnA.post('/messages/', { recipient: 'bob', content: 'one too many' }), 10);
  });
});

test('with Redis unreachable, requests are still served unthrottled and the outage is logged', async (t) => {
  const logs = logSink();
  // Port 1: nothing listens there, so every connection attempt is refused at once.
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, { ...LIMITS_ON, REDIS_URL: 'redis://127.0.0.1:1' },
    { logger: logs.logger });
  const alice = await signUp(app, 'alice');
  await register(app, 'bob');
  await failLogins(app, 'bob', 8);
  assert.equal((await login(app, 'bob', passwordFor('bob'))).statusCode, 200);
  for (let i = 0; i < 35; i += 1) {
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: `message ${i}` })).statusCode, 201);
  }
  assert.ok(logs.lines.some((line) => line.msg === 'redis unavailable; rate limits not enforced until it is back'));
});

test('a Redis that takes the connection and never answers does not hold up the start, and requests are served', { timeout: 60_000 }, async (t) => {
  const silent = await silentServer(t);
  const logs = logSink();
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, { ...LIMITS_ON, REDIS_URL: silent.url('redis') }, { logger: logs.logger });
  assert.ok(silent.accepted() > 0, 'the service connected to the silent server');
  const alice = await signUp(app, 'alice');
  assert.equal((await alice.get('/me/')).statusCode, 200);
  assert.ok(logs.lines.some((line) => line.msg === 'redis unavailable; rate limits not enforced until it is back'));
});
