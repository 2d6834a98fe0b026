import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

interface Message {
  id: number;
  conversation: number;
}

interface InboxEntry {
  id: number;
  peer: { id: number; username: string; email: string };
  last_message: Message;
  message_count: number;
  unread_count: number;
  last_read_id: number;
}

async function send(from: TestClient, to: string, content: string): Promise<Message> {
  const res = await from.post('/messages/', { recipient: to, content });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function inbox(client: TestClient, query = ''): Promise<{ next: string | null; results: InboxEntry[] }> {
  const res = await client.get(`/conversations/${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

const peers = (entries: readonly InboxEntry[]) => entries.map((entry) => entry.peer.username);

describeEachDatabase('the inbox', (kind) => {
  test('each conversation is one entry with its peer, last message, counts and read mark', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await send(alice, 'bob', 'one');
    await send(bob, 'alice', 'two');
    const last = await send(alice, 'bob', 'three');
    assert.deepEqual(await inbox(bob), {
      next: null,
      results: [{
        id: last.conversation,
        peer: { id: alice.user.id, username: 'alice', email: null },
        last_message: last,
        message_count: 3,
        unread_count: 2,
        last_read_id: 0,
      }],
    });
    const [aliceEntry] = (await inbox(alice)).results;
    assert.deepEqual(aliceEntry.peer, { id: bob.user.id, username: 'bob', email: null });
    assert.equal(aliceEntry.unread_count, 1);
    assert.equal(aliceEntry.message_count, 3);
  });

  test('there is one entry per peer however many messages go each way', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await register(app, 'carol');
    for (let i = 0; i < 3; i += 1) {
      await send(alice, 'bob', `to bob ${i}`);
      await send(bob, 'alice', `to alice ${i}`);
      await send(alice, 'carol', `to carol ${i}`);
    }
    const { results } = await inbox(alice);
    assert.deepEqual(peers(results), ['carol', 'bob']);
    assert.deepEqual(results.map((entry) => entry.message_count), [3, 6]);
    assert.equal(new Set(results.map((entry) => entry.id)).size, 2);
  });

  test('conversations come most recent activity first', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const name of ['bob', 'carol', 'dave']) await register(app, name);
    for (const name of ['carol', 'bob', 'dave']) await send(alice, name, `hi ${name}`);
    assert.deepEqual(peers((await inbox(alice)).results), ['dave', 'bob', 'carol']);
  });

  test('a new message in an older conversation moves it to the top', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await register(app, 'carol');
    await send(alice, 'bob', 'hi bob');
    await send(alice, 'carol', 'hi carol');
    assert.deepEqual(peers((await inbox(alice)).results), ['carol', 'bob']);
    const reply = await send(bob, 'alice', 'hi alice');
    const { results } = await inbox(alice);
    assert.deepEqual(peers(results), ['bob', 'carol']);
    assert.deepEqual(results[0].last_message, reply);
  });

  test('a conversation with yourself appears once with nothing unread', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await send(alice, 'bob', 'hi');
    await send(alice, 'alice', 'note one');
    const note = await send(alice, 'alice', 'note two');
    const { results } = await inbox(alice);
    assert.deepEqual(peers(results), ['alice', 'bob']);
    assert.deepEqual(results[0], {
      id: note.conversation,
      peer: { id: alice.user.id, username: 'alice', email: 'alice@example.com' },
      last_message: note,
      message_count: 2,
      unread_count: 0,
      last_read_id: 0,
    });
  });

  test('the inbox is empty for someone who never messaged', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    await send(alice, 'bob', 'hi');
    assert.deepEqual(await inbox(carol), { next: null, results: [] });
    assert.deepEqual(peers((await inbox(bob)).results), ['alice']);
  });

  test('a page ends with an absolute next link to the older conversations', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const name of ['bob', 'carol', 'dave']) await register(app, name);
    await send(alice, 'bob', 'hi bob');
    const toCarol = await send(alice, 'carol', 'hi carol');
    await send(alice, 'dave', 'hi dave');
    const first = await inbox(alice, '?limit=2');
    assert.deepEqual(peers(first.results), ['dave', 'carol']);
    const res = await alice.get('/conversations/?limit=2', { host: 'chat.example.com' });
    assert.equal(res.json().next, `http://chat.example.com/conversations/?limit=2&before=${toCarol.id}`);
    const second = await inbox(alice, `?limit=2&before=${toCarol.id}`);
    assert.equal(second.next, null);
    assert.deepEqual(peers(second.results), ['bob']);
  });

  test('following next until it is null visits every conversation exactly once', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const names = ['bob', 'carol', 'dave', 'erin'];
    for (const name of names) await register(app, name);
    for (const name of [...names, 'alice', 'carol']) await send(alice, name, `hi ${name}`);
    const seen: string[] = [];
    let next: string | null = 'http://localhost:80/conversations/?limit=2';
    while (next !== null) {
      const url: URL = new URL(next);
      const res = await alice.get(url.pathname + url.search, { host: url.host });
      assert.equal(res.statusCode, 200, res.body);
      seen.push(...peers(res.json().results));
      next = res.json().next;
    }
    assert.deepEqual(seen, ['carol', 'alice', 'erin', 'dave', 'bob']);
  });

  test('a limit above 100 counts as 100', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (let i = 0; i < 101; i += 1) {
      await register(app, `peer${i}`);
      assert.equal((await alice.post('/messages/', { recipient: `peer${i}`, content: 'hi' })).statusCode, 201);
    }
    for (const limit of [101, 1000]) {
      const res = await alice.get(`/conversations/?limit=${limit}`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.json().results.length, 100, `limit=${limit}`);
      assert.notEqual(res.json().next, null);
    }
  });

  test('a limit below 1 or a cursor that is not a number is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const refusals: [string, object][] = [
      ['limit=0', { limit: ['Ensure this value is greater than or equal to 1.'] }],
      ['before=abc', { before: ['A valid integer is required.'] }],
    ];
    for (const [query, errors] of refusals) {
      const res = await alice.get(`/conversations/?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.deepEqual(res.json(), errors);
    }
  });

  test('the inbox refuses anonymous callers', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get('/conversations/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });
});
