import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { signUp, type TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

interface Message {
  id: number;
  sender: number;
  recipient: number;
}

async function send(from: TestClient, to: string, content: string): Promise<Message> {
  const res = await from.post('/messages/', { recipient: to, content });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function markRead(reader: TestClient, peer: string, upTo: number): Promise<void> {
  const res = await reader.post(`/conversations/${peer}/read/`, { up_to: upTo });
  assert.equal(res.statusCode, 200, res.body);
}

async function deleteMessage(sender: TestClient, id: number): Promise<void> {
  const res = await sender.delete(`/messages/${id}/`);
  assert.equal(res.statusCode, 204, res.body);
}

/** The stored read state of one member, and what it should be, counted again from the messages table. */
async function readState({ testDatabase }: TestApp, readerId: number, peerId: number) {
  const { db } = testDatabase.database;
  const member = await db.selectFrom('conversation_members').select(['conversation_id', 'last_read_id', 'unread_count'])
    .where('user_id', '=', readerId)
    .where('conversation_id', 'in', db.selectFrom('conversation_members').select('conversation_id').where('user_id', '=', peerId))
    .executeTakeFirstOrThrow();
  const lastReadId = Number(member.last_read_id);
  const peerMessages = await db.selectFrom('messages').select(['id', 'deleted_at'])
    .where('conversation_id', '=', member.conversation_id).where('sender_id', '=', peerId).execute();
  const expectedUnread = peerMessages.filter((m) => Number(m.id) > lastReadId && m.deleted_at === null).length;
  return { lastReadId, unreadCount: Number(member.unread_count), expectedUnread };
}

async function storedConversations({ testDatabase }: TestApp) {
  const { db } = testDatabase.database;
  const conversations = await db.selectFrom('conversations').select(['id', 'message_count', 'last_message_id']).execute();
  const members = await db.selectFrom('conversation_members').select(['user_id', 'last_message_id']).execute();
  const messages = await db.selectFrom('messages').select('id').execute();
  return { conversations, members, messageIds: messages.map((m) => Number(m.id)) };
}

describeEachDatabase('conversations under concurrent requests', (kind) => {
  test('50 concurrent sends from both sides into a new conversation make one conversation counting all 50', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const sent = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 3 === 0
      ? send(bob, 'alice', `b${i}`)
      : send(alice, 'bob', `a${i}`))));
    const fromBob = sent.filter((m) => m.sender === bob.user.id).length;
    const { conversations, members, messageIds } = await storedConversations(app);
    assert.equal(conversations.length, 1);
    assert.equal(members.length, 2);
    assert.equal(messageIds.length, 50);
    assert.equal(Number(conversations[0].message_count), 50);
    assert.equal((await readState(app, alice.user.id, bob.user.id)).unreadCount, fromBob);
    assert.equal((await readState(app, bob.user.id, alice.user.id)).unreadCount, 50 - fromBob);
  });

  test('after concurrent sends the conversation\'s last message is the newest one', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0
      ? send(alice, 'bob', `a${i}`)
      : send(bob, 'alice', `b${i}`))));
    const { conversations, members, messageIds } = await storedConversations(app);
    const newest = Math.max(...messageIds);
    assert.equal(Number(conversations[0].last_message_id), newest);
    assert.deepEqual(members.map((m) => Number(m.last_message_id)), [newest, newest]);
    const inbox = (await alice.get('/conversations/')).json();
    assert.equal(inbox.results[0].last_message.id, newest);
    const latest = (await alice.get(`/list-messages/bob/?before=${newest + 1}&limit=1`)).json();
    assert.equal(latest.has_newer, false);
    assert.equal(latest.results[0].id, newest);
  });

  test('unread counts stay exact while 40 sends interleave with 10 read marks from the recipient', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    await send(alice, 'bob', 'first');
    const sends = Array.from({ length: 40 }, (_, i) => send(alice, 'bob', `message ${i}`));
    // Each mark goes out as soon as a send it names has been answered, while the others are in flight.
    const reads = Array.from({ length: 10 }, (_, i) => sends[i * 4 + 1].then((m) => markRead(bob, 'alice', m.id)));
    const sent = await Promise.all(sends);
    await Promise.all(reads);
    const state = await readState(app, bob.user.id, alice.user.id);
    assert.equal(state.lastReadId, Math.max(...Array.from({ length: 10 }, (_, i) => sent[i * 4 + 1].id)));
    assert.equal(state.unreadCount, state.expectedUnread);
  });

  test('unread counts stay exact on both sides while both send and mark read at once', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    await send(alice, 'bob', 'hello');
    await send(bob, 'alice', 'hello back');
    for (let round = 0; round < 3; round += 1) {
      const sends = Array.from({ length: 30 }, (_, i) => (i % 2 === 0
        ? send(alice, 'bob', `a${round}.${i}`)
        : send(bob, 'alice', `b${round}.${i}`)));
      const reads = sends.filter((_, i) => i % 3 === 0).map((sending) => sending.then((m) => (m.sender === alice.user.id
        ? markRead(bob, 'alice', m.id)
        : markRead(alice, 'bob', m.id))));
      await Promise.all([...sends, ...reads]);
      for (const [reader, peer] of [[alice, bob], [bob, alice]]) {
        const state = await readState(app, reader.user!.id, peer.user!.id);
        assert.equal(state.unreadCount, state.expectedUnread, `round ${round}, ${reader.user!.username}'s unread count`);
      }
    }
  });

  test('unread counts stay exact while deletes, read marks and sends run at once', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const earlier: Message[] = [];
    for (let i = 0; i < 30; i += 1) earlier.push(await send(alice, 'bob', `earlier ${i}`));
    const deletes = earlier.filter((_, i) => i % 2 === 1).map((m) => deleteMessage(alice, m.id));
    const reads = earlier.filter((_, i) => i % 3 === 0).map((m) => markRead(bob, 'alice', m.id));
    const sends = Array.from({ length: 10 }, (_, i) => send(alice, 'bob', `later ${i}`));
    const laterReads = sends.filter((_, i) => i % 4 === 0).map((sending) => sending.then((m) => markRead(bob, 'alice', m.id)));
    await Promise.all([...deletes, ...reads, ...sends, ...laterReads]);
    const state = await readState(app, bob.user.id, alice.user.id);
    assert.equal(state.unreadCount, state.expectedUnread);
  });

  test('concurrent deletes of unread messages leave exactly the live ones unread', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const sent: Message[] = [];
    for (let i = 0; i < 20; i += 1) sent.push(await send(alice, 'bob', `message ${i}`));
    const doomed = sent.slice(0, 12);
    // Every message is deleted three times at once: only one of them may take it off the count.
    await Promise.all(doomed.flatMap((m) => [deleteMessage(alice, m.id), deleteMessage(alice, m.id), deleteMessage(alice, m.id)]));
    const state = await readState(app, bob.user.id, alice.user.id);
    assert.equal(state.unreadCount, 8);
    assert.equal(state.expectedUnread, 8);
  });

  test('a reader polling with after= while messages arrive sees every message exactly once', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const first = await send(alice, 'bob', 'first');
    let sendsDone = false;
    const sending = Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0
      ? send(alice, 'bob', `a${i}`)
      : send(bob, 'alice', `b${i}`)))).finally(() => { sendsDone = true; });
    const seen: number[] = [];
    let after = first.id;
    for (;;) {
      // Noted before asking: only a poll that starts after the last send was answered must see everything.
      const finished = sendsDone;
      const page = (await bob.get(`/list-messages/alice/?after=${after}&limit=100`)).json();
      for (const message of page.results) seen.push(message.id);
      if (page.results.length > 0) after = page.results[page.results.length - 1].id;
      if (finished && !page.has_newer) break;
      await setImmediate(); // SQLite answers without I/O: let the sends have their turn
    }
    const sent = await sending;
    assert.deepEqual(seen, sent.map((m) => m.id).sort((a, b) => a - b));
  });

  test('concurrent read marks keep the furthest one', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const sent: Message[] = [];
    for (let i = 0; i < 20; i += 1) sent.push(await send(alice, 'bob', `message ${i}`));
    await Promise.all([...sent].reverse().map((m) => markRead(bob, 'alice', m.id)));
    const state = await readState(app, bob.user.id, alice.user.id);
    assert.equal(state.lastReadId, sent[19].id);
    assert.equal(state.unreadCount, 0);
  });
});
