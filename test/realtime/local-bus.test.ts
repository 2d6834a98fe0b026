import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type WebSocket from 'ws';
import { buildTestApp } from '../helpers/app.js';
import { signUp, TestClient } from '../helpers/client.js';
import { closed, connect, listen, nextEvent, pendingEvents, refused, sendFrame, type ServerEvent } from '../helpers/sockets.js';

/**
 * One instance with the in-process bus, listening, and three users with a socket each. Each pair has a
 * conversation (typing notices go only to someone one has a conversation with), made before the sockets
 * open, so that none starts with an event waiting.
 */
async function start(t: TestContext) {
  const { app } = await buildTestApp(t, 'sqlite');
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const carol = await signUp(app, 'carol');
  const conversations = {
    aliceBob: (await send(alice, 'bob', 'we talk')).conversation as number,
    aliceCarol: (await send(alice, 'carol', 'we talk')).conversation as number,
    bobCarol: (await send(bob, 'carol', 'we talk')).conversation as number,
  };
  const sockets = {
    alice: await connect(t, url, { as: alice }),
    bob: await connect(t, url, { as: bob }),
    carol: await connect(t, url, { as: carol }),
  };
  return { app, url, alice, bob, carol, sockets, conversations };
}

async function send(from: TestClient, to: string, content: string) {
  const res = await from.post('/messages/', { recipient: to, content });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

const typingFrom = (username: string) => (event: ServerEvent) => event.type === 'typing' && event.from_username === username;

/**
 * Events reach a socket in the order they were published. So once `socket` has received the event
 * `marker` waits for, nothing published before it is still on its way: what is pending is all it got.
 */
async function assertNothingBefore(socket: WebSocket, marker: string | ((event: ServerEvent) => boolean)) {
  const pendingBefore = [...pendingEvents(socket)];
  await nextEvent(socket, marker);
  assert.deepEqual([...pendingEvents(socket), ...pendingBefore], []);
}

test('a sent message reaches every socket of both participants', async (t) => {
  const { app, url, alice, bob, sockets } = await start(t);
  const bobElsewhere = new TestClient(app);
  await bobElsewhere.login('bob');
  const bobSecond = await connect(t, url, { as: bobElsewhere });

  const sent = await send(alice, 'bob', 'hello');
  for (const socket of [sockets.alice, sockets.bob, bobSecond]) {
    const event = await nextEvent(socket, 'message.created');
    assert.deepEqual(event, { type: 'message.created', conversation: sent.conversation, message: sent });
  }
  assert.equal(sent.sender, alice.user.id);
  assert.equal(sent.recipient, bob.user.id);
});

test('an edit and a delete reach both participants', async (t) => {
  const { alice, sockets } = await start(t);
  const sent = await send(alice, 'bob', 'helo');
  const edited = await alice.patch(`/messages/${sent.id}/`, { content: 'hello' });
  assert.equal(edited.statusCode, 200, edited.body);
  const deleted = await alice.delete(`/messages/${sent.id}/`);
  assert.equal(deleted.statusCode, 204, deleted.body);

  for (const socket of [sockets.alice, sockets.bob]) {
    const updated = await nextEvent(socket, 'message.updated');
    assert.deepEqual(updated, { type: 'message.updated', conversation: sent.conversation, message: edited.json() });
    assert.equal(updated.message!.content, 'hello');
    assert.notEqual(updated.message!.edited_at, null);
    const removed = await nextEvent(socket, 'message.deleted');
    assert.equal(removed.conversation, sent.conversation);
    assert.equal(removed.message!.id, sent.id);
    assert.equal(removed.message!.deleted, true);
    assert.equal(removed.message!.content, '');
  }
});

test('a read mark reaches both participants', async (t) => {
  const { alice, bob, sockets } = await start(t);
  await send(alice, 'bob', 'one');
  const last = await send(alice, 'bob', 'two');
  const res = await bob.post('/conversations/alice/read/', { up_to: last.id });
  assert.equal(res.statusCode, 200, res.body);

  for (const socket of [sockets.alice, sockets.bob]) {
    assert.deepEqual(await nextEvent(socket, 'conversation.read'), {
      type: 'conversation.read', conversation: last.conversation, reader: bob.user.id, reader_username: 'bob',
      last_read_id: last.id, unread_count: 0,
    });
  }
});

test('a third user hears nothing of a conversation they are not in', async (t) => {
  const { alice, bob, sockets } = await start(t);
  const sent = await send(alice, 'bob', 'hello');
  await alice.patch(`/messages/${sent.id}/`, { content: 'hello again' });
  await bob.post('/conversations/alice/read/', { up_to: sent.id });
  await alice.delete(`/messages/${sent.id}/`);
  sendFrame(sockets.alice, { type: 'typing', to: 'bob' });
  await nextEvent(sockets.bob, typingFrom('alice'));

  await send(alice, 'carol', 'and you?');
  await assertNothingBefore(sockets.carol, 'message.created');
});

test('typing reaches the peer, and neither the typist nor anyone else', async (t) => {
  const { alice, bob, sockets, conversations } = await start(t);
  sendFrame(sockets.alice, { type: 'typing', to: 'bob' });
  assert.deepEqual(await nextEvent(sockets.bob, 'typing'),
    { type: 'typing', conversation: conversations.aliceBob, from: alice.user.id, from_username: 'alice' });

  const sent = await send(bob, 'alice', 'hi');
  sendFrame(sockets.alice, { type: 'typing', to: 'bob@example.com' });
  assert.deepEqual(await nextEvent(sockets.bob, 'typing'),
    { type: 'typing', conversation: sent.conversation, from: alice.user.id, from_username: 'alice' });

  sendFrame(sockets.bob, { type: 'typing', to: 'carol' });
  await assertNothingBefore(sockets.carol, typingFrom('bob'));
  sendFrame(sockets.bob, { type: 'typing', to: 'alice' });
  await nextEvent(sockets.alice, 'message.created');
  await assertNothingBefore(sockets.alice, typingFrom('bob'));
});

test('a frame the server cannot act on is answered with an error frame, and the socket stays open', async (t) => {
  const { sockets } = await start(t);
  const cases: [string | object, string][] = [
    [{ type: 'typing', to: 'nobody' }, 'No user with this username or email.'],
    ['not json', 'Frames are JSON text.'],
    [{ type: 'subscribe' }, 'Unknown frame type; the only one is "typing".'],
    [{ type: 'typing' }, '"to" must be a username or email.'],
  ];
  for (const [frame, detail] of cases) {
    sendFrame(sockets.alice, frame);
    assert.deepEqual(await nextEvent(sockets.alice, 'error'), { type: 'error', detail }, JSON.stringify(frame));
  }
  sendFrame(sockets.alice, { type: 'typing', to: 'bob' });
  await nextEvent(sockets.bob, 'typing');
});

test('a flood of typing signals is cut after the burst, with an error frame', async (t) => {
  const { sockets } = await start(t);
  const frames = 15;
  for (let i = 0; i < frames; i += 1) sendFrame(sockets.alice, { type: 'typing', to: 'bob' });

  // Carol's signal reaches Bob after every one of Alice's that got through.
  sendFrame(sockets.carol, { type: 'typing', to: 'bob' });
  await nextEvent(sockets.bob, typingFrom('carol'));
  const delivered = pendingEvents(sockets.bob).filter(typingFrom('alice')).length;
  // A burst of 10, then one a second: only a stall of a second or more could let an 11th through.
  assert.ok(delivered >= 10 && delivered < frames, `delivered ${delivered}`);
  for (let refused = 0; refused < frames - delivered; refused += 1) {
    assert.deepEqual(await nextEvent(sockets.alice, 'error'), { type: 'error', detail: 'Too many typing signals; slow down.' });
  }
});

test('the typing burst is the user\'s, not each socket\'s: more sockets do not make more signals', async (t) => {
  const { url, alice, sockets } = await start(t);
  const second = await connect(t, url, { as: alice });
  // Eleven at once, ten on one socket and one on the other: one of them is over the user's burst.
  for (let i = 0; i < 10; i += 1) sendFrame(sockets.alice, { type: 'typing', to: 'bob' });
  sendFrame(second, { type: 'typing', to: 'bob' });
  const refused = await Promise.race([nextEvent(sockets.alice, 'error'), nextEvent(second, 'error')]);
  assert.deepEqual(refused, { type: 'error', detail: 'Too many typing signals; slow down.' });
});

test('a user may hold WS_MAX_SOCKETS_PER_USER sockets open on an instance; one more is refused with 429', async (t) => {
  const { app } = await buildTestApp(t, 'sqlite', { WS_MAX_SOCKETS_PER_USER: '2' });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const first = await connect(t, url, { as: alice });
  await connect(t, url, { as: alice });
  const refusal = await refused(t, url, { as: alice });
  assert.deepEqual([refusal.status, JSON.parse(refusal.body)], [429, { detail: 'Too many open sockets: at most 2 per user.' }]);
  await connect(t, url, { as: bob });
  first.close();
  await closed(first);
  await connect(t, url, { as: alice });
});

test('handshakes made all at once do not pass the per-user limit together', async (t) => {
  const { app } = await buildTestApp(t, 'sqlite', { WS_MAX_SOCKETS_PER_USER: '1' });
  const url = await listen(app);
  const alice = await signUp(app, 'alice');
  const outcomes = await Promise.all(Array.from({ length: 10 }, () => connect(t, url, { as: alice, awaitReady: false }).then(
    (socket) => new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('open'), 500);
      socket.once('close', (code) => { clearTimeout(timer); resolve(`closed ${code}`); });
    }),
    (error: Error) => error.message)));
  assert.equal(outcomes.filter((outcome) => outcome === 'open').length, 1, outcomes.join(', '));
  for (const outcome of outcomes.filter((outcome) => outcome !== 'open')) {
    assert.match(outcome, /^(handshake refused: HTTP 429|closed 1008)$/);
  }
  assert.equal(app.websocketServer.clients.size, 1);
});

test('typing to someone who blocked you delivers nothing, and says nothing', async (t) => {
  const { bob, sockets } = await start(t);
  const res = await bob.post('/blocks/', { user: 'alice' });
  assert.equal(res.statusCode, 201, res.body);

  sendFrame(sockets.alice, { type: 'typing', to: 'bob' });
  sendFrame(sockets.alice, { type: 'typing', to: 'nobody' });
  assert.equal((await nextEvent(sockets.alice, 'error')).detail, 'No user with this username or email.');
  sendFrame(sockets.carol, { type: 'typing', to: 'bob' });
  await assertNothingBefore(sockets.bob, typingFrom('carol'));
  assert.deepEqual(pendingEvents(sockets.alice), []);
});

test('an event carries the ids to catch up with after a reconnect', async (t) => {
  const { url, alice, bob, sockets } = await start(t);
  const first = await send(bob, 'alice', 'first');
  const seen = await nextEvent(sockets.alice, 'message.created');
  sockets.alice.close(1000);
  assert.equal((await closed(sockets.alice)).code, 1000);

  const missed = [await send(bob, 'alice', 'second'), await send(bob, 'alice', 'third')];
  const again = await connect(t, url, { as: alice });
  const caughtUp = await alice.get(`/list-messages/${seen.message!.sender_username}/?after=${seen.message!.id}`);
  assert.equal(caughtUp.statusCode, 200, caughtUp.body);
  assert.deepEqual(caughtUp.json().results, missed);
  assert.equal(caughtUp.json().has_newer, false);
  assert.equal(seen.conversation, first.conversation);

  const later = await send(bob, 'alice', 'fourth');
  assert.equal((await nextEvent(again, 'message.created')).message!.id, later.id);
  assert.deepEqual(pendingEvents(again), []);
});
