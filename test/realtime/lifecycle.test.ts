import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { buildTestApp, buildTestInstances } from '../helpers/app.js';
import { logSink } from '../helpers/log-sink.js';
import { issueToken, signUp, TestClient } from '../helpers/client.js';
import { closed, connect, listen, nextEvent, sendFrame } from '../helpers/sockets.js';
import { instancesHeard } from '../helpers/credential-notices.js';

const SESSION_ENDED = { code: 4001, reason: 'Session ended' };

async function start(t: Parameters<typeof buildTestApp>[0], env: Record<string, string> = {}) {
  const testApp = await buildTestApp(t, 'sqlite', env);
  const url = await listen(testApp.app);
  const alice = await signUp(testApp.app, 'alice');
  const bob = await signUp(testApp.app, 'bob');
  return { ...testApp, url, alice, bob };
}

/** Proves `socket` still receives: Bob sends Alice a message, and it arrives. */
async function stillDelivers(bob: TestClient, socket: WebSocket) {
  const sent = await bob.post('/messages/', { recipient: 'alice', content: 'still there?' });
  assert.equal(sent.statusCode, 201, sent.body);
  assert.equal((await nextEvent(socket, 'message.created')).message!.id, sent.json().id);
  assert.equal(socket.readyState, WebSocket.OPEN);
}

test('logout closes the sockets of that session with 4001, not those of another session', async (t) => {
  const { app, url, alice, bob } = await start(t);
  const aliceElsewhere = new TestClient(app);
  await aliceElsewhere.login('alice');
  const loggingOut = await connect(t, url, { as: alice });
  const staying = await connect(t, url, { as: aliceElsewhere });

  const res = await alice.get('/logout/');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(await closed(loggingOut), SESSION_ENDED);
  await stillDelivers(bob, staying);
});

test('revoking an API token closes the sockets opened with it with 4001, not those of another token', async (t) => {
  const { app, url, bob } = await start(t);
  const [revoked, kept] = [await issueToken(app, 'alice'), await issueToken(app, 'alice')];
  const revokedSocket = await connect(t, url, { token: revoked });
  const keptSocket = await connect(t, url, { token: kept });

  const res = await app.inject({ method: 'DELETE', url: '/tokens/current/', headers: { authorization: `Token ${revoked}` } });
  assert.equal(res.statusCode, 204, res.body);
  assert.deepEqual(await closed(revokedSocket), SESSION_ENDED);
  await stillDelivers(bob, keptSocket);
});

test('a socket closes with 4001 when its session expires, and not before', async (t) => {
  const { url, alice, testDatabase } = await start(t);
  // SESSION_LIFETIME_SECONDS is at least a minute: shorten this session in the database instead.
  const expiresAt = Date.now() + 1500;
  await testDatabase.database.db.updateTable('sessions').set({ expires_at: expiresAt })
    .where('user_id', '=', alice.user.id).execute();
  await instancesHeard(testDatabase);
  const socket = await connect(t, url, { as: alice });

  assert.deepEqual(await closed(socket, 5000), SESSION_ENDED);
  assert.ok(Date.now() >= expiresAt, `closed ${expiresAt - Date.now()} ms early`);
});

test('closing the app closes open sockets with 1001', async (t) => {
  const { app, url, alice, bob } = await start(t);
  const sockets = [await connect(t, url, { as: alice }), await connect(t, url, { as: bob })];
  await app.close();
  for (const socket of sockets) assert.deepEqual(await closed(socket), { code: 1001, reason: 'Server shutting down' });
});

test('a client that does not answer the close frame does not hold up the shutdown', { timeout: 15_000 }, async (t) => {
  const { app, url, alice } = await start(t);
  const socket = await connect(t, url, { as: alice });
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  tcp.pause();

  // ws alone would wait 30 s for the client's answer before dropping the connection.
  const started = Date.now();
  await app.close();
  assert.ok(Date.now() - started < 5000, `app.close() took ${Date.now() - started} ms`);
  tcp.resume();
  assert.deepEqual(await closed(socket), { code: 1001, reason: 'Server shutting down' });
});

test('an inbound frame over 4096 bytes closes the socket with 1009; one of 4096 bytes is read', async (t) => {
  const { url, alice, bob } = await start(t);
  await alice.post('/messages/', { recipient: 'bob', content: 'hello' });
  const socket = await connect(t, url, { as: alice });
  const bobSocket = await connect(t, url, { as: bob });
  const frame = (bytes: number) => {
    const start = '{"type":"typing","to":"bob","padding":"';
    return start + 'x'.repeat(bytes - start.length - 2) + '"}';
  };

  sendFrame(socket, frame(4096));
  await nextEvent(bobSocket, 'typing');
  sendFrame(socket, frame(4097));
  assert.equal((await closed(socket)).code, 1009);
});

test('a client\'s oversized or malformed frame is logged at info, not as an error of the service', async (t) => {
  const logs = logSink('info');
  const [{ app }] = await buildTestInstances(t, 'sqlite', 1, {}, { logger: logs.logger });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const oversized = await connect(t, url, { as: alice });
  sendFrame(oversized, 'x'.repeat(5000));
  assert.equal((await closed(oversized)).code, 1009);
  const malformed = await connect(t, url, { as: alice });
  // A masked text frame whose payload is not UTF-8; ws answers 1007.
  const tcp = (malformed as unknown as { _socket: Socket })._socket;
  tcp.write(Buffer.from([0x81, 0x82, 0, 0, 0, 0, 0xc3, 0x28]));
  assert.equal((await closed(malformed)).code, 1007);

  const socketLogs = () => logs.lines.filter((line) => String(line.msg).startsWith('websocket'));
  for (const started = Date.now(); socketLogs().length < 2 && Date.now() - started < 3000;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.deepEqual(socketLogs().map((line) => [line.level, line.msg, (line.err as { code?: string }).code]), [
    [30, 'websocket closed by a client error', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH'],
    [30, 'websocket closed by a client error', 'WS_ERR_INVALID_UTF8'],
  ]);
});

test('a client that stops reading while sending frames that are refused is closed with 4008 too', { timeout: 60_000 }, async (t) => {
  const { app, url, alice } = await start(t, { WS_MAX_BUFFERED_BYTES: '65536', WS_HEARTBEAT_SECONDS: '3600' });
  const socket = await connect(t, url, { as: alice });
  const serverSide = [...app.websocketServer.clients][0];
  (socket as unknown as { _socket: Socket })._socket.pause();

  // Every frame that is not JSON is answered with an error seven times its size, which nobody reads.
  let sent = 0;
  while (serverSide.readyState === WebSocket.OPEN && sent < 2_000_000) {
    for (let i = 0; i < 5000; i += 1) socket.send('x');
    sent += 5000;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.notEqual(serverSide.readyState, WebSocket.OPEN, `still open after ${sent} frames`);
  assert.ok(serverSide.bufferedAmount < 1024 * 1024, `${serverSide.bufferedAmount} bytes were left waiting`);
});

test('the heartbeat terminates a socket that does not answer pings, and keeps one that does', async (t) => {
  const { url, alice, bob } = await start(t, { WS_HEARTBEAT_SECONDS: '1' });
  const silent = await connect(t, url, { as: alice, autoPong: false });
  const answering = await connect(t, url, { as: bob });
  let pings = 0;
  answering.on('ping', () => { pings += 1; });

  // Pinged at the first tick, found silent at the second: two seconds at most, and some slack.
  const started = Date.now();
  assert.equal((await closed(silent, 3500)).code, 1006, 'terminated, with no close frame');
  assert.ok(Date.now() - started < 3500);

  const pingsWhenTerminated = pings;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ping within 2.5 s')), 2500);
    answering.once('ping', () => { clearTimeout(timer); resolve(); });
  });
  assert.ok(pingsWhenTerminated >= 1, `pinged ${pingsWhenTerminated} times before`);
  assert.equal(answering.readyState, WebSocket.OPEN);
});

test('a client that stops reading is closed with 4008 once events pile up past WS_MAX_BUFFERED_BYTES', { timeout: 60_000 }, async (t) => {
  // No heartbeat during the test: a client that does not read does not answer pings either.
  const { app, url, alice, bob } = await start(t, { WS_MAX_BUFFERED_BYTES: '65536', WS_HEARTBEAT_SECONDS: '3600' });
  const socket = await connect(t, url, { as: alice });
  const serverSide = [...app.websocketServer.clients][0];
  const tcp = (socket as unknown as { _socket: Socket })._socket;
  tcp.pause();

  // Enough to fill both kernel buffers of the loopback connection and then the limit; the server side
  // of the socket leaving OPEN is the sign that it gave up. 10,000 characters of 4 bytes each in UTF-8.
  const content = '\u{1F4AC}'.repeat(10_000);
  let sent = 0;
  while (serverSide.readyState === WebSocket.OPEN && sent < 5000) {
    const batch = await Promise.all(Array.from({ length: 20 }, () => bob.post('/messages/', { recipient: 'alice', content })));
    for (const res of batch) assert.equal(res.statusCode, 201, res.body);
    sent += batch.length;
  }
  assert.notEqual(serverSide.readyState, WebSocket.OPEN, `still open after ${sent} events`);

  tcp.resume();
  assert.deepEqual(await closed(socket, 20_000), { code: 4008, reason: 'Too slow: events piled up unread' });
  t.diagnostic(`closed after ${sent} events of 40 kB`);
});
