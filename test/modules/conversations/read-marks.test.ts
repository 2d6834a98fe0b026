import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connect, listen, nextEvent } from '../../helpers/sockets.js';

const NO_SUCH_MESSAGE = { up_to: ['There is no message with this id in this conversation.'] };

interface Message {
  id: number;
  conversation: number;
}

async function send(from: TestClient, to: string, content: string): Promise<Message> {
  const res = await from.post('/messages/', { recipient: to, content });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function sendMany(from: TestClient, to: string, count: number): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i += 1) sent.push(await send(from, to, `message ${i}`));
  return sent;
}

/** The caller's inbox entry for the conversation with `peer`. */
async function entryWith(client: TestClient, peer: string) {
  const res = await client.get('/conversations/');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().results.find((entry: { peer: { username: string } }) => entry.peer.username === peer);
}

describeEachDatabase('marking a conversation read', (kind) => {
  test('marking read sets the read mark and answers what remains unread', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await sendMany(alice, 'bob', 5);
    const res = await bob.post('/conversations/alice/read/', { up_to: sent[2].id });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { conversation: sent[0].conversation, last_read_id: sent[2].id, unread_count: 2 });
  });

  test('a read event is published only when the mark moves', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sockets = [await connect(t, url, { as: alice }), await connect(t, url, { as: bob })];
    const sent = await sendMany(alice, 'bob', 3);
    assert.equal((await bob.post('/conversations/alice/read/', { up_to: sent[1].id })).statusCode, 200);
    for (const socket of sockets) assert.equal((await nextEvent(socket, 'conversation.read')).last_read_id, sent[1].id);
    // The same mark again, and an older one: the mark stays, and nobody hears of it.
    for (const upTo of [sent[1].id, sent[0].id]) {
      const res = await bob.post('/conversations/alice/read/', { up_to: upTo });
      assert.equal(res.statusCode, 200);
      assert.equal(res.json().last_read_id, sent[1].id);
    }
    assert.equal((await bob.post('/conversations/alice/read/', { up_to: sent[2].id })).statusCode, 200);
    for (const socket of sockets) assert.equal((await nextEvent(socket, 'conversation.read')).last_read_id, sent[2].id, 'the next read event is the next move');
  });

  test('a user who blocked the reader hears nothing of their reading; the reader\'s own sockets still do', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const aliceSocket = await connect(t, url, { as: alice });
    const bobSocket = await connect(t, url, { as: bob });
    const sent = await sendMany(alice, 'bob', 2);
    assert.equal((await alice.post('/blocks/', { user: 'bob' })).statusCode, 201);
    assert.equal((await bob.post('/conversations/alice/read/', { up_to: sent[0].id })).statusCode, 200);
    assert.equal((await nextEvent(bobSocket, 'conversation.read')).last_read_id, sent[0].id);
    // Alice unblocks, and Bob reads on: that read reaches her, the one made while she blocked him never did.
    assert.equal((await alice.delete('/blocks/bob/')).statusCode, 204);
    assert.equal((await bob.post('/conversations/alice/read/', { up_to: sent[1].id })).statusCode, 200);
    const heard = await nextEvent(aliceSocket, 'conversation.read');
    assert.equal(heard.last_read_id, sent[1].id, 'the read Bob made while blocked never reached Alice');
  });

  test('the inbox shows the read mark and the unread count that remains', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await sendMany(alice, 'bob', 4);
    assert.equal((await entryWith(bob, 'alice')).unread_count, 4);
    await bob.post('/conversations/alice/read/', { up_to: sent[0].id });
    const entry = await entryWith(bob, 'alice');
    assert.equal(entry.last_read_id, sent[0].id);
    assert.equal(entry.unread_count, 3);
    await bob.post('/conversations/alice/read/', { up_to: sent[3].id });
    const read = await entryWith(bob, 'alice');
    assert.equal(read.last_read_id, sent[3].id);
    assert.equal(read.unread_count, 0);
  });

  test('only the peer\'s messages after the mark count as unread', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const first = await send(alice, 'bob', 'one');
    await sendMany(bob, 'alice', 2);
    await sendMany(alice, 'bob', 2);
    const res = await bob.post('/conversations/alice/read/', { up_to: first.id });
    assert.equal(res.json().unread_count, 2);
  });

  test('a message you sent yourself can be the read mark', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await sendMany(alice, 'bob', 2);
    const own = await send(bob, 'alice', 'reply');
    await send(alice, 'bob', 'later');
    const res = await bob.post('/conversations/alice/read/', { up_to: own.id });
    assert.deepEqual(res.json(), { conversation: own.conversation, last_read_id: own.id, unread_count: 1 });
  });

  test('marks only move forward: reading up to an older message changes nothing', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await sendMany(alice, 'bob', 5);
    await bob.post('/conversations/alice/read/', { up_to: sent[3].id });
    const res = await bob.post('/conversations/alice/read/', { up_to: sent[1].id });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { conversation: sent[0].conversation, last_read_id: sent[3].id, unread_count: 1 });
    const entry = await entryWith(bob, 'alice');
    assert.equal(entry.last_read_id, sent[3].id);
    assert.equal(entry.unread_count, 1);
  });

  test('marking read leaves the peer\'s own read state alone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await send(bob, 'alice', 'hi alice');
    const sent = await sendMany(alice, 'bob', 2);
    await bob.post('/conversations/alice/read/', { up_to: sent[1].id });
    const entry = await entryWith(alice, 'bob');
    assert.equal(entry.last_read_id, 0);
    assert.equal(entry.unread_count, 1);
  });

  test('a message of another conversation is refused as up_to', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await register(app, 'carol');
    await send(alice, 'bob', 'to bob');
    const theirs = await send(alice, 'carol', 'to carol');
    await send(alice, 'bob', 'to bob again');
    const res = await bob.post('/conversations/alice/read/', { up_to: theirs.id });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), NO_SUCH_MESSAGE);
    const entry = await entryWith(bob, 'alice');
    assert.equal(entry.last_read_id, 0);
    assert.equal(entry.unread_count, 2);
  });

  test('an id beyond the last message is refused as up_to', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await sendMany(alice, 'bob', 2);
    for (const upTo of [sent[1].id + 1, 999_999_999]) {
      const res = await bob.post('/conversations/alice/read/', { up_to: upTo });
      assert.equal(res.statusCode, 400, String(upTo));
      assert.deepEqual(res.json(), NO_SUCH_MESSAGE);
    }
    assert.equal((await entryWith(bob, 'alice')).last_read_id, 0);
  });

  test('a peer you never talked to is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await register(app, 'carol');
    const sent = await send(alice, 'bob', 'hi');
    const res = await bob.post('/conversations/carol/read/', { up_to: sent.id });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Not found.' });
  });

  test('an unknown user is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = await send(alice, 'bob', 'hi');
    for (const peer of ['nobody', 'nobody@example.com']) {
      const res = await alice.post(`/conversations/${peer}/read/`, { up_to: sent.id });
      assert.equal(res.statusCode, 404, peer);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('the peer can be named by email', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'hi');
    const res = await bob.post('/conversations/alice@example.com/read/', { up_to: sent.id });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().unread_count, 0);
  });

  test('up_to that is missing or not a positive whole number is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await send(alice, 'bob', 'hi');
    const refusals: [unknown, object][] = [
      [{}, { up_to: ['This field is required.'] }],
      [{ up_to: 'abc' }, { up_to: ['A valid integer is required.'] }],
      [{ up_to: '1.5' }, { up_to: ['A valid integer is required.'] }],
      [{ up_to: true }, { up_to: ['A valid integer is required.'] }],
      [{ up_to: 1.5 }, { up_to: ['A valid integer is required.'] }],
      [{ up_to: null }, { up_to: ['This field may not be null.'] }],
      [{ up_to: 0 }, { up_to: ['Ensure this value is greater than or equal to 1.'] }],
    ];
    for (const [body, errors] of refusals) {
      const res = await bob.post('/conversations/alice/read/', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body));
      assert.deepEqual(res.json(), errors);
    }
    assert.equal((await entryWith(bob, 'alice')).unread_count, 1);
  });

  test('up_to as text, as every form-encoded value is, is read as DRF reads it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'hi');
    const form = await bob.post('/conversations/alice/read/', `up_to=${sent.id}`, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.deepEqual([form.statusCode, form.json().last_read_id, form.json().unread_count], [200, sent.id, 0], form.body);
    for (const text of [` ${sent.id} `, `${sent.id}.0`, `${sent.id}.`]) {
      const json = await bob.post('/conversations/alice/read/', { up_to: text });
      assert.equal(json.statusCode, 200, `"${text}": ${json.body}`);
    }
  });

  test('reading your notes to yourself leaves nothing unread', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const notes = await sendMany(alice, 'alice', 2);
    const res = await alice.post('/conversations/alice/read/', { up_to: notes[0].id });
    assert.deepEqual(res.json(), { conversation: notes[0].conversation, last_read_id: notes[0].id, unread_count: 0 });
  });

  test('marking read refuses anonymous callers', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = await send(alice, 'bob', 'hi');
    const res = await new TestClient(app).post('/conversations/alice/read/', { up_to: sent.id });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });
});
