import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type TestContext, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildAppOn, buildTestInstances } from '../helpers/app.js';
import { issueToken, passwordFor, signUp, TestClient } from '../helpers/client.js';
import { createTestDatabase, type DatabaseKind, describeEachDatabase, testRedisUrl } from '../helpers/databases.js';
import { Redis } from 'ioredis';
import { closed, connect, listen, nextEvent, pendingEvents, sendFrame } from '../helpers/sockets.js';
import { logSink } from '../helpers/log-sink.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

const redisUrl = testRedisUrl();
const needsRedis = { skip: redisUrl === null ? 'TEST_REDIS_URL is not set' : false };

/**
 * Two instances of the service on one database and one Redis, both listening. User ids repeat from one
 * test database to the next, so each test gets channels of its own, or parallel tests would hear
 * each other's events.
 */
async function startPair(t: TestContext, kind: DatabaseKind) {
  const prefix = `test-${randomBytes(8).toString('hex')}:`;
  const [a, b] = await buildTestInstances(t, kind, 2, { REDIS_URL: redisUrl!, REDIS_PREFIX: prefix });
  const urls = { a: await listen(a.app), b: await listen(b.app) };
  const alice = await signUp(a.app, 'alice');
  const bob = await signUp(a.app, 'bob');
  return { a: a.app, b: b.app, urls, alice, bob, prefix };
}

describeEachDatabase('two instances over Redis', (kind) => {
  test('a socket on instance B receives the events of a send made through instance A', needsRedis, async (t) => {
    const { urls, alice, bob } = await startPair(t, kind);
    const aliceOnB = await connect(t, urls.b, { as: alice });
    const bobOnA = await connect(t, urls.a, { as: bob });
    const bobOnB = await connect(t, urls.b, { as: bob });

    const res = await alice.post('/messages/', { recipient: 'bob', content: 'across instances' });
    assert.equal(res.statusCode, 201, res.body);
    for (const socket of [aliceOnB, bobOnA, bobOnB]) {
      assert.deepEqual(await nextEvent(socket, 'message.created'),
        { type: 'message.created', conversation: res.json().conversation, message: res.json() });
    }
  });

  test('a typing signal sent to instance A reaches the peer on instance B', needsRedis, async (t) => {
    const { urls, alice, bob } = await startPair(t, kind);
    const { conversation } = (await alice.post('/messages/', { recipient: 'bob', content: 'hello' })).json();
    const aliceOnA = await connect(t, urls.a, { as: alice });
    const bobOnB = await connect(t, urls.b, { as: bob });

    sendFrame(aliceOnA, { type: 'typing', to: 'bob' });
    assert.deepEqual(await nextEvent(bobOnB, 'typing'),
      { type: 'typing', conversation, from: alice.user.id, from_username: 'alice' });
  });

  test('the typing limit is the user\'s across instances: a burst on A leaves nothing for B', needsRedis, async (t) => {
    const { urls, alice } = await startPair(t, kind);
    await alice.post('/messages/', { recipient: 'bob', content: 'hello' });
    const aliceOnA = await connect(t, urls.a, { as: alice });
    const aliceOnB = await connect(t, urls.b, { as: alice });
    for (let i = 0; i < 10; i += 1) sendFrame(aliceOnA, { type: 'typing', to: 'bob' });
    // The eleventh, on the other instance, once the ten are counted: a frame of A's answered after them all.
    sendFrame(aliceOnA, { type: 'typing', to: 'nobody' });
    assert.equal((await nextEvent(aliceOnA, 'error')).detail, 'Too many typing signals; slow down.');
    sendFrame(aliceOnB, { type: 'typing', to: 'bob' });
    assert.deepEqual(await nextEvent(aliceOnB, 'error'), { type: 'error', detail: 'Too many typing signals; slow down.' });
  });

  test('a logout through instance A closes the session\'s socket on instance B with 4001', needsRedis, async (t) => {
    const { urls, alice, bob } = await startPair(t, kind);
    const aliceOnB = await connect(t, urls.b, { as: alice });
    const bobOnB = await connect(t, urls.b, { as: bob });

    const res = await alice.get('/logout/');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(await closed(aliceOnB), { code: 4001, reason: 'Session ended' });

    const sent = await bob.post('/messages/', { recipient: 'alice', content: 'still here' });
    assert.equal((await nextEvent(bobOnB, 'message.created')).message!.id, sent.json().id);
  });

  test('deleting an account through instance A ends its sessions, tokens and sockets on instance B', needsRedis, async (t) => {
    const { a, b, urls, alice } = await startPair(t, kind);
    const token = await issueToken(a, 'alice');
    const aliceViaB = new TestClient(b);
    for (const [name, value] of alice.cookies) aliceViaB.cookies.set(name, value);
    assert.equal((await aliceViaB.get('/me/')).statusCode, 200);
    assert.equal((await b.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } })).statusCode, 200);
    const sessionSocket = await connect(t, urls.b, { as: alice });
    const tokenSocket = await connect(t, urls.b, { token });

    assert.equal((await alice.request('DELETE', '/me/', { password: passwordFor('alice') })).statusCode, 204);
    assert.deepEqual(await closed(sessionSocket), { code: 4001, reason: 'Session ended' });
    assert.deepEqual(await closed(tokenSocket), { code: 4001, reason: 'Session ended' });
    assert.equal((await aliceViaB.get('/me/')).statusCode, 403, 'instance B no longer knows the session');
    assert.equal((await b.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } })).statusCode, 401);
  });

  test('the ready frame comes first even while events for the user are flowing', needsRedis, async (t) => {
    const { urls, alice, bob } = await startPair(t, kind);
    let sending = true;
    const sender = (async () => {
      while (sending) assert.equal((await bob.post('/messages/', { recipient: 'alice', content: 'busy' })).statusCode, 201);
    })();
    try {
      // Each socket is alice's only one on B, so each starts B's subscription anew while events arrive.
      for (let i = 0; i < 30; i += 1) {
        const socket = await connect(t, urls.b, { as: alice });
        socket.close();
        await closed(socket);
      }
    } finally {
      sending = false;
      await sender;
    }
  });

  test('a logout made while its instance cannot reach Redis closes the session\'s socket on the other instance once it can', needsRedis, async (t) => {
    const { urls, bob, proxy } = await startPairWithProxy(t, kind, 'a');
    const bobOnB = await connect(t, urls.b, { as: bob });
    await proxy.down();
    assert.equal((await bob.get('/logout/')).statusCode, 200);
    await proxy.up();
    assert.deepEqual(await closed(bobOnB, 10_000), { code: 4001, reason: 'Session ended' });
  });

  test('events lost while their instance could not reach Redis make the recipients\' sockets reconnect with 1012', needsRedis, async (t) => {
    const { urls, alice, bob, proxy } = await startPairWithProxy(t, kind, 'a');
    const bobOnB = await connect(t, urls.b, { as: bob });
    await proxy.down();
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'published into the void' })).statusCode, 201);
    await proxy.up();
    // The event is lost (nothing waits in a queue): the socket is told to catch up instead.
    assert.deepEqual(await closed(bobOnB, 10_000), { code: 1012, reason: 'Real-time events were lost; reconnect and catch up' });
    const again = await connect(t, urls.b, { as: bob, awaitReady: true });
    const missed = await bob.get('/list-messages/alice/');
    assert.equal(missed.json().results[0].content, 'published into the void');
    const sent = await alice.post('/messages/', { recipient: 'bob', content: 'and live again' });
    assert.equal((await nextEvent(again, 'message.created')).message!.id, sent.json().id);
  });

  test('a socket opened while its instance could not reach Redis, whose session ended meanwhile, is closed once it can', needsRedis, async (t) => {
    const { urls, bob, proxy } = await startPairWithProxy(t, kind, 'b');
    await proxy.down();
    const waiting = await connect(t, urls.b, { as: bob, awaitReady: false });
    // Through A, whose word B cannot hear: B learns of it only by asking once it is subscribed again.
    assert.equal((await bob.get('/logout/')).statusCode, 200);
    await proxy.up();
    assert.deepEqual(await closed(waiting, 10_000), { code: 4001, reason: 'Session ended' });
    assert.ok(!pendingEvents(waiting).some((event) => event.type === 'ready'), 'never told it was ready');
  });

  test('a notice on the missed channel that this version cannot read tells every socket to catch up, and breaks nothing', needsRedis, async (t) => {
    const { urls, bob, prefix } = await startPair(t, kind);
    const bobOnB = await connect(t, urls.b, { as: bob });
    const admin = new Redis(redisUrl!);
    t.after(() => admin.disconnect());
    await admin.publish(`${prefix}missed`, '{"users": "from a later version"}');
    assert.deepEqual(await closed(bobOnB), { code: 1012, reason: 'Real-time events were lost; reconnect and catch up' });
    await connect(t, urls.b, { as: bob });
  });

  test('when an instance loses its Redis subscription its sockets are closed with 1012, and a new one is ready once it is back', needsRedis, async (t) => {
    const { urls, alice, bob, prefix } = await startPair(t, kind);
    const bobOnB = await connect(t, urls.b, { as: bob });
    await dropSubscribers(prefix);
    assert.deepEqual(await closed(bobOnB), { code: 1012, reason: 'Real-time delivery interrupted; reconnect and catch up' });
    const again = await connect(t, urls.b, { as: bob });
    const sent = await alice.post('/messages/', { recipient: 'bob', content: 'after the interruption' });
    assert.equal((await nextEvent(again, 'message.created')).message!.id, sent.json().id);
  });
});

/**
 * Two instances as startPair makes them, but with `proxied`'s link to Redis running through a proxy
 * the test can take down and bring back; the users' requests go through instance A.
 */
async function startPairWithProxy(t: TestContext, kind: DatabaseKind, proxied: 'a' | 'b') {
  const target = new URL(redisUrl!);
  const proxy = await tcpProxy(t, { host: target.hostname, port: Number(target.port || 6379) });
  await proxy.up();
  const prefix = `test-${randomBytes(8).toString('hex')}:`;
  const testDatabase = await createTestDatabase(kind);
  const apps: FastifyInstance[] = [];
  t.after(async () => {
    for (const app of apps) await app.close();
    await testDatabase.drop();
  });
  const urlOf = (name: 'a' | 'b') => (name === proxied ? `redis://127.0.0.1:${proxy.port}` : redisUrl!);
  for (const name of ['a', 'b'] as const) {
    apps.push((await buildAppOn(kind, testDatabase, { REDIS_URL: urlOf(name), REDIS_PREFIX: prefix })).app);
  }
  const [a, b] = apps;
  const urls = { a: await listen(a), b: await listen(b) };
  const alice = await signUp(a, 'alice');
  const bob = await signUp(a, 'bob');
  return { urls, alice, bob, proxy };
}

/** Drops the Redis subscriber connections of the instances using `prefix` (they reconnect by themselves). */
async function dropSubscribers(prefix: string): Promise<void> {
  const admin = new Redis(redisUrl!);
  try {
    const clients = String(await admin.client('LIST')).split('\n');
    const ids = clients.filter((line) => line.includes(` name=${prefix}subscriber `)).map((line) => /\bid=(\d+)/.exec(line)![1]);
    assert.ok(ids.length > 0, 'the instances\' subscribers are connected');
    for (const id of ids) await admin.client('KILL', 'ID', id);
  } finally {
    admin.disconnect();
  }
}

test('with Redis unreachable, sends still succeed and are stored, and the lost events are counted', async (t) => {
  const logs = logSink();
  // Port 1: nothing listens there, so every connection attempt is refused at once.
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, { REDIS_URL: 'redis://127.0.0.1:1' }, { logger: logs.logger });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  // Without Redis no event can reach the socket, so it is never told it is ready.
  const socket = await connect(t, url, { as: alice, awaitReady: false });

  const sends = 3;
  for (let i = 0; i < sends; i += 1) {
    const res = await alice.post('/messages/', { recipient: 'bob', content: `message ${i}` });
    assert.equal(res.statusCode, 201, res.body);
  }
  const stored = await alice.get('/list-messages/bob/');
  assert.equal(stored.json().count, sends);

  // Each send publishes to both participants; each publish fails at once and is counted.
  const losses = logs.lines.filter((line) => line.msg === 'real-time event lost: redis publish failed');
  assert.deepEqual(losses.map((line) => line.lost), Array.from({ length: sends * 2 }, (_, i) => i + 1));
  assert.ok(logs.lines.some((line) => line.msg === 'redis unavailable; real-time fan-out degraded'));

  // The socket itself is unharmed: frames are still answered.
  sendFrame(socket, 'not json');
  assert.equal((await nextEvent(socket, 'error')).detail, 'Frames are JSON text.');
  assert.ok(!pendingEvents(socket).some((event) => event.type === 'ready'));
});

test('with Redis unreachable, a logout still closes the session\'s sockets on this instance', async (t) => {
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, { REDIS_URL: 'redis://127.0.0.1:1' });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const socket = await connect(t, url, { as: alice, awaitReady: false });
  assert.equal((await alice.get('/logout/')).statusCode, 200);
  assert.deepEqual(await closed(socket), { code: 4001, reason: 'Session ended' });
});

test('sockets that come and go while Redis is down cost it nothing later; one that stays is ready once Redis is back', needsRedis, async (t) => {
  const target = new URL(redisUrl!);
  const proxy = await tcpProxy(t, { host: target.hostname, port: Number(target.port || 6379) });
  const prefix = `test-${randomBytes(8).toString('hex')}:`;
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: prefix });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');

  // Bob's client keeps reconnecting during the outage; none of his sockets is ever ready.
  for (let i = 0; i < 20; i += 1) {
    const socket = await connect(t, url, { as: bob, awaitReady: false });
    socket.close();
    await closed(socket);
  }
  const waiting = await connect(t, url, { as: alice, awaitReady: false });
  assert.equal(app.websocketServer.clients.size, 1);

  const admin = new Redis(redisUrl!);
  const monitor = await admin.monitor();
  t.after(() => { monitor.disconnect(); admin.disconnect(); });
  const commands: string[][] = [];
  monitor.on('monitor', (_time: string, args: string[]) => {
    if (args.some((arg) => arg.startsWith(prefix))) commands.push(args);
  });
  await proxy.up();
  assert.equal((await nextEvent(waiting, 'ready', 10_000)).type, 'ready');
  const sent = await bob.post('/messages/', { recipient: 'alice', content: 'after the outage' });
  assert.equal((await nextEvent(waiting, 'message.created')).message!.id, sent.json().id);

  const subscriptions = commands.filter(([name]) => /^(un)?subscribe$/i.test(name));
  assert.deepEqual(subscriptions.map((args) => args.join(' ')), [`subscribe ${prefix}revoke ${prefix}missed ${prefix}user:${alice.user.id}`],
    'one subscribe, for the user still watched: nothing about the sockets that came and went');
});
