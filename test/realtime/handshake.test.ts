import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { issueToken, signUp, TestClient } from '../helpers/client.js';
import { connect, listen, nextEvent, refused } from '../helpers/sockets.js';

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const INVALID_TOKEN = { detail: 'Invalid token.' };
const TRUSTED = 'https://app.example.com';

async function start(t: TestContext) {
  const { app } = await buildTestApp(t, 'sqlite', { TRUSTED_ORIGINS: TRUSTED });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  return { app, url, alice, bob };
}

test('a handshake without credentials is refused with 401, and no socket opens', async (t) => {
  const { url } = await start(t);
  const refusal = await refused(t, url);
  assert.equal(refusal.status, 401);
  assert.deepEqual(JSON.parse(refusal.body), NOT_AUTHENTICATED);
});

test('a plain GET /ws/ without an Upgrade is told 426 what the endpoint speaks, in the API\'s shape', async (t) => {
  const { app, alice } = await start(t);
  for (const method of ['GET', 'HEAD'] as const) {
    const res = await alice.request(method, '/ws/');
    assert.equal(res.statusCode, 426, method);
    assert.equal(res.headers.upgrade, 'websocket', method);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8', method);
    if (method === 'GET') assert.deepEqual(res.json(), { detail: 'This endpoint speaks WebSocket only: send an Upgrade: websocket request.' });
  }
  const anonymous = await app.inject({ method: 'GET', url: '/ws/' });
  assert.deepEqual([anonymous.statusCode, anonymous.json()], [401, NOT_AUTHENTICATED]);
});

test('a session cookie that names no live session is refused with 401', async (t) => {
  const { app, url } = await start(t);
  const stranger = new TestClient(app);
  stranger.cookies.set('sessionid', 'x'.repeat(43));
  const refusal = await refused(t, url, { as: stranger });
  assert.equal(refusal.status, 401);
  assert.deepEqual(JSON.parse(refusal.body), NOT_AUTHENTICATED);
});

test('a bad token subprotocol is refused with 401, even alongside a live session cookie', async (t) => {
  const { url, alice } = await start(t);
  for (const options of [{ token: 'not-a-token' }, { token: 'not-a-token', as: alice }]) {
    const refusal = await refused(t, url, options);
    assert.equal(refusal.status, 401);
    assert.deepEqual(JSON.parse(refusal.body), INVALID_TOKEN);
  }
});

test('a handshake offering subprotocols but not messaging.v1 is refused with 400 saying so, a valid token or not', async (t) => {
  const { app, url } = await start(t);
  const key = await issueToken(app, 'alice');
  for (const options of [{ protocols: [], token: key }, { protocols: ['chat.v2'], token: key }, { protocols: ['chat.v2'] }]) {
    const refusal = await refused(t, url, options);
    assert.equal(refusal.status, 400, JSON.stringify(options));
    assert.deepEqual(JSON.parse(refusal.body), { detail: 'Offer the subprotocol messaging.v1, which this endpoint speaks.' });
  }
});

test('a browser offering no subprotocol at all is let in with its session', async (t) => {
  const { url, alice } = await start(t);
  const socket = await connect(t, url, { as: alice, protocols: [] });
  assert.equal(socket.protocol, '');
});

test('a session cookie opens a socket speaking messaging.v1', async (t) => {
  const { url, alice } = await start(t);
  const socket = await connect(t, url, { as: alice });
  assert.equal(socket.protocol, 'messaging.v1');
});

test('an API token offered as a subprotocol opens a socket speaking messaging.v1, with nothing in the URL', async (t) => {
  const { app, url, bob } = await start(t);
  const token = await issueToken(app, 'alice');
  const socket = await connect(t, url, { token });
  assert.equal(socket.protocol, 'messaging.v1');
  assert.equal(new URL(socket.url).search, '');

  const sent = await bob.post('/messages/', { recipient: 'alice', content: 'for the script' });
  assert.equal((await nextEvent(socket, 'message.created')).message!.id, sent.json().id);
});

test('a token in the query string is not a credential', async (t) => {
  const { app, url } = await start(t);
  const token = await issueToken(app, 'alice');
  const refusal = await refused(t, url, { path: `/ws/?token=${token}` });
  assert.equal(refusal.status, 401);
});

test('a foreign Origin is refused with 403, even with a live session', async (t) => {
  const { url, alice } = await start(t);
  const refusal = await refused(t, url, { as: alice, origin: 'https://evil.example.com' });
  assert.equal(refusal.status, 403);
  assert.deepEqual(JSON.parse(refusal.body), {
    detail: 'CSRF Failed: Origin checking failed - https://evil.example.com does not match any trusted origins.',
  });
});

test('the service\'s own origin and a trusted origin are accepted', async (t) => {
  const { url, alice } = await start(t);
  for (const origin of [url, TRUSTED]) {
    const socket = await connect(t, url, { as: alice, origin });
    assert.equal(socket.protocol, 'messaging.v1', origin);
    socket.close();
  }
});
