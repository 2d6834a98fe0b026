import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import WebSocket from 'ws';
import {
  ApiError, type ApiClient, type ConnectionState, connectRealtime, createApiClient, type OpenSocket, type Realtime,
  type RealtimeEvent, type SocketLike, unwrap,
} from '../../client/index.js';
import { buildTestApp } from '../helpers/app.js';
import { passwordFor } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

const WAIT_MS = 5_000;

/** A client of `baseUrl` with a registered, logged-in user. */
async function signedIn(baseUrl: string, username: string): Promise<ApiClient> {
  const client = createApiClient({ baseUrl });
  await client.register(username, `${username}@example.com`, passwordFor(username));
  await client.login(username, passwordFor(username));
  return client;
}

/** Opens sockets with the `ws` package, carrying the client's session cookie as a browser would. */
function socketsOf(client: ApiClient): OpenSocket {
  return (url, protocols) => new WebSocket(url, protocols, { headers: { cookie: client.cookieHeader() } }) as unknown as SocketLike;
}

async function until<T>(what: string, find: () => T | undefined): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`never: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A realtime connection recording its events and states, closed when the test ends. */
function watch(t: TestContext, baseUrl: string, client: ApiClient, me: string, extra: { initialDelayMs?: number } = {}) {
  const events: RealtimeEvent[] = [];
  const states: ConnectionState[] = [];
  let caughtUp = 0;
  const realtime: Realtime = connectRealtime({
    baseUrl, client, me, openSocket: socketsOf(client), onEvent: (event) => events.push(event),
    onStateChange: (state) => states.push(state), onCaughtUp: () => { caughtUp += 1; }, ...extra,
  });
  t.after(() => realtime.close());
  return { realtime, events, states, caughtUps: () => caughtUp };
}

describeEachDatabase('the typed client', (kind) => {
  test('with a session it sends the CSRF token itself: register, log in, send, read, log out', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const alice = await signedIn(baseUrl, 'alice');
    await signedIn(baseUrl, 'bob');
    const sent = unwrap(await alice.api.POST('/messages/', { body: { recipient: 'bob', content: 'Hello, Bob!' } }));
    assert.equal(sent.content, 'Hello, Bob!');
    assert.equal(sent.recipient_username, 'bob');
    const inbox = unwrap(await alice.api.GET('/conversations/'));
    assert.deepEqual(inbox.results.map((entry) => [entry.peer.username, entry.last_message.id]), [['bob', sent.id]]);
    const page = unwrap(await alice.api.GET('/list-messages/{recipient}/', { params: { path: { recipient: 'bob' }, query: { page: '1' } } }));
    assert.ok('count' in page && page.count === 1);
    await alice.logout();
    const after = await alice.api.GET('/me/');
    assert.equal(after.response.status, 403);
  });

  test('with an API token it needs no session or CSRF token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    await signedIn(baseUrl, 'bob');
    const scripted = createApiClient({ baseUrl });
    await scripted.register('carol', 'carol@example.com', passwordFor('carol'));
    const token = await scripted.useNewToken('carol', passwordFor('carol'));
    assert.equal(scripted.token, token);
    assert.equal(unwrap(await scripted.api.GET('/me/')).username, 'carol');
    assert.equal((await scripted.api.POST('/messages/', { body: { recipient: 'bob', content: 'from a script' } })).response.status, 201);
    const elsewhere = createApiClient({ baseUrl, token });
    assert.equal(unwrap(await elsewhere.api.GET('/me/')).username, 'carol');
  });

  test('refusals arrive as ApiError values with the DRF body', async (t) => {
    const { app } = await buildTestApp(t, kind, { RATE_LIMITS: 'on' });
    const baseUrl = await listen(app);
    const alice = await signedIn(baseUrl, 'alice');
    const stranger = createApiClient({ baseUrl });
    const wrongPassword = await stranger.login('alice', 'not the password').catch((error: unknown) => error);
    assert.ok(wrongPassword instanceof ApiError);
    assert.equal(wrongPassword.status, 401);
    assert.equal(wrongPassword.detail, 'Invalid username or password.');
    const weak = await stranger.register('dave', 'dave@example.com', '1234').catch((error: unknown) => error);
    assert.ok(weak instanceof ApiError);
    assert.equal(weak.status, 400);
    assert.ok(weak.fieldErrors('password').includes('This password is too short. It must contain at least 8 characters.'));
    const unknown = await alice.api.POST('/messages/', { body: { recipient: 'nobody-here', content: 'hi' } });
    const refusal = (() => { try { return unwrap(unknown); } catch (error) { return error; } })();
    assert.ok(refusal instanceof ApiError);
    assert.deepEqual(refusal.fieldErrors('recipient'), ['No user with this username or email.']);
  });
});

describeEachDatabase('the typed client in real time', (kind) => {
  test('events arrive typed, typing notices go both ways, and the state goes connecting → live', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const alice = await signedIn(baseUrl, 'alice');
    const bob = await signedIn(baseUrl, 'bob');
    const bobLive = watch(t, baseUrl, bob, 'bob');
    const aliceLive = watch(t, baseUrl, alice, 'alice');
    await until('both live', () => (bobLive.realtime.state === 'live' && aliceLive.realtime.state === 'live') || undefined);
    assert.deepEqual(bobLive.states, ['connecting', 'live']);
    const sent = unwrap(await alice.api.POST('/messages/', { body: { recipient: 'bob', content: 'live!' } }));
    const created = await until('bob hears the message', () => bobLive.events.find((event) => event.type === 'message.created'));
    assert.ok('message' in created);
    assert.equal(created.message.id, sent.id);
    assert.equal(created.message.content, 'live!');
    assert.equal(created.caughtUp, undefined);
    assert.equal(bobLive.realtime.typing('alice'), true);
    const typing = await until('alice sees bob typing', () => aliceLive.events.find((event) => event.type === 'typing'));
    assert.ok(typing.type === 'typing' && typing.from_username === 'bob');
  });

  test('after the connection drops it reconnects with backoff and catches up with what was sent meanwhile', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const alice = await signedIn(baseUrl, 'alice');
    const bob = await signedIn(baseUrl, 'bob');
    const bobLive = watch(t, baseUrl, bob, 'bob', { initialDelayMs: 600 });
    await until('bob live', () => (bobLive.realtime.state === 'live') || undefined);
    const first = unwrap(await alice.api.POST('/messages/', { body: { recipient: 'bob', content: 'before the drop' } }));
    await until('bob hears the first', () => bobLive.events.find((event) => 'message' in event && event.message.id === first.id));

    for (const socket of app.websocketServer.clients) socket.terminate();
    await until('bob offline', () => (bobLive.realtime.state === 'offline') || undefined);
    assert.equal(bobLive.realtime.typing('alice'), false, 'no typing notice without a live socket');
    const missed = unwrap(await alice.api.POST('/messages/', { body: { recipient: 'bob', content: 'sent while bob was away' } }));

    const caught = await until('bob catches up', () => bobLive.events.find((event) => 'message' in event && event.message.id === missed.id));
    assert.ok('caughtUp' in caught && caught.caughtUp === true, 'it came from the catch-up, not live');
    assert.equal(bobLive.realtime.state, 'live');
    assert.deepEqual(bobLive.states, ['connecting', 'live', 'offline', 'connecting', 'live']);
    await until('the catch-up finished', () => bobLive.caughtUps() === 1 || undefined);
  });

  test('a session that ends closes the socket for good: no reconnecting', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const bob = await signedIn(baseUrl, 'bob');
    const bobLive = watch(t, baseUrl, bob, 'bob', { initialDelayMs: 50 });
    await until('bob live', () => (bobLive.realtime.state === 'live') || undefined);
    await bob.logout();
    await until('bob offline', () => (bobLive.realtime.state === 'offline') || undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(bobLive.states, ['connecting', 'live', 'offline']);
  });
});
