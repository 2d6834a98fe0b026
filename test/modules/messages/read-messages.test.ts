import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

interface Message {
  id: number;
  sender: number;
  recipient: number;
  content: string;
}

/** Sends `count` messages one after another, alternating between the two clients; returns them in order. */
async function converse(first: TestClient, second: TestClient, count: number): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i += 1) {
    const [from, to] = i % 2 === 0 ? [first, second] : [second, first];
    const res = await from.post('/messages/', { recipient: to.user!.username, content: `message ${i + 1}` });
    assert.equal(res.statusCode, 201, res.body);
    sent.push(res.json());
  }
  return sent;
}

async function sendMany(from: TestClient, recipient: string, count: number): Promise<Message[]> {
  const sent: Message[] = [];
  for (let i = 0; i < count; i += 1) {
    const res = await from.post('/messages/', { recipient, content: `message ${i + 1}` });
    assert.equal(res.statusCode, 201, res.body);
    sent.push(res.json());
  }
  return sent;
}

describeEachDatabase('listing your own messages', (kind) => {
  test('GET /messages/ lists what the caller sent and received, oldest first, in the DRF page envelope', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 3);
    const res = await alice.get('/messages/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 3, next: null, previous: null, results: sent });
  });

  test('GET /messages/ never lists a third party\'s messages', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    const ours = await converse(alice, bob, 2);
    const theirs = await converse(carol, bob, 2);
    const aliceList = await alice.get('/messages/');
    assert.equal(aliceList.json().count, 2);
    assert.deepEqual(aliceList.json().results, ours);
    const carolList = await carol.get('/messages/');
    assert.equal(carolList.json().count, 2);
    assert.deepEqual(carolList.json().results, theirs);
    const bobList = await bob.get('/messages/');
    assert.equal(bobList.json().count, 4);
    assert.deepEqual(bobList.json().results, [...ours, ...theirs]);
  });

  test('GET /messages/ is an empty page for someone who never messaged', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    await converse(alice, bob, 2);
    const res = await carol.get('/messages/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
  });

  test('GET /messages/ pages with absolute next and previous links', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = await sendMany(alice, 'bob', 5);
    const page2 = await alice.get('/messages/?page=2&page_size=2', { host: 'chat.example.com' });
    assert.equal(page2.statusCode, 200);
    assert.deepEqual(page2.json(), {
      count: 5,
      next: 'http://chat.example.com/messages/?page=3&page_size=2',
      previous: 'http://chat.example.com/messages/?page_size=2',
      results: sent.slice(2, 4),
    });
  });

  test('GET /messages/ refuses anonymous callers', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get('/messages/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });
});

describeEachDatabase('reading one message', (kind) => {
  test('the sender can read a message by id', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'hi' })).json();
    const res = await alice.get(`/messages/${sent.id}/`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), sent);
  });

  test('the recipient can read a message by id', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'hi' })).json();
    const res = await bob.get(`/messages/${sent.id}/`);
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), sent);
  });

  test('a third user gets 404 for someone else\'s message', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const carol = await signUp(app, 'carol');
    await register(app, 'bob');
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'private' })).json();
    const res = await carol.get(`/messages/${sent.id}/`);
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Not found.' });
  });

  test('an unknown message id is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'hi' })).json();
    for (const id of [sent.id + 1, 0, 999_999_999, 999_999_999_999_999]) {
      const res = await alice.get(`/messages/${id}/`);
      assert.equal(res.statusCode, 404, String(id));
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('a message id that is not a whole number is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    for (const id of ['abc', '-1', '1.0', '1e0', '0x1', '%201', '1%20', '9223372036854775808', '99999999999999999999999']) {
      const res = await alice.get(`/messages/${id}/`);
      assert.equal(res.statusCode, 404, id);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });
});

describeEachDatabase('listing a conversation', (kind) => {
  test('the conversation is listed oldest first and counts its messages', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 4);
    const res = await alice.get('/list-messages/bob/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 4, next: null, previous: null, results: sent });
  });

  test('both participants see the same conversation', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    await converse(alice, bob, 3);
    const fromAlice = await alice.get('/list-messages/bob/');
    const fromBob = await bob.get('/list-messages/alice/');
    assert.deepEqual(fromBob.json(), fromAlice.json());
  });

  test('the other user can be named by email, in any letter case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 2);
    for (const peer of ['bob@example.com', 'BOB@Example.COM', 'BOB', 'Bob']) {
      const res = await alice.get(`/list-messages/${encodeURIComponent(peer)}/`);
      assert.equal(res.statusCode, 200, peer);
      assert.deepEqual(res.json().results, sent);
    }
  });

  test('white space around the other user\'s name is ignored, as everywhere a user is looked up', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 2);
    for (const peer of [' bob', 'bob ', ' bob@example.com ']) {
      const res = await alice.get(`/list-messages/${encodeURIComponent(peer)}/`);
      assert.equal(res.statusCode, 200, `"${peer}"`);
      assert.deepEqual(res.json().results, sent);
      const read = await alice.post(`/conversations/${encodeURIComponent(peer)}/read/`, { up_to: sent[sent.length - 1].id });
      assert.equal(read.statusCode, 200, `"${peer}" read: ${read.body}`);
    }
  });

  test('page 1 holds the oldest messages and the default page size is 10', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 25);
    const page1 = await alice.get('/list-messages/bob/');
    assert.equal(page1.json().count, 25);
    assert.deepEqual(page1.json().results, sent.slice(0, 10));
    const page3 = await alice.get('/list-messages/bob/?page=3');
    assert.deepEqual(page3.json().results, sent.slice(20, 25));
    assert.equal(page3.json().next, null);
  });

  test('page=last gives the newest messages, still oldest first', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 13);
    const last = await alice.get('/list-messages/bob/?page=last');
    assert.equal(last.statusCode, 200);
    assert.equal(last.json().count, 13);
    assert.deepEqual(last.json().results, sent.slice(10, 13));
    assert.equal(last.json().next, null);
    assert.ok(last.json().previous, 'the last page links back');
    const ofFour = await alice.get('/list-messages/bob/?page=last&page_size=4');
    assert.deepEqual(ofFour.json().results, sent.slice(12, 13));
  });

  test('every page of a 25-message conversation with page_size 4 holds the right rows', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 25);
    const full = (await alice.get('/list-messages/bob/?page_size=100')).json();
    assert.equal(full.count, 25);
    assert.deepEqual(full.results, sent);
    for (let page = 1; page <= 7; page += 1) {
      const res = await alice.get(`/list-messages/bob/?page=${page}&page_size=4`);
      assert.equal(res.statusCode, 200, `page ${page}`);
      assert.equal(res.json().count, 25);
      assert.deepEqual(res.json().results, sent.slice((page - 1) * 4, page * 4), `page ${page}`);
    }
    const last = await alice.get('/list-messages/bob/?page=last&page_size=4');
    assert.deepEqual(last.json(), (await alice.get('/list-messages/bob/?page=7&page_size=4')).json());
    const beyond = await alice.get('/list-messages/bob/?page=8&page_size=4');
    assert.equal(beyond.statusCode, 404);
    assert.deepEqual(beyond.json(), { detail: 'Invalid page.' });
  });

  test('a page holds the counted messages, not one committed after they were counted', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 25);
    // What a read sees when a send commits between the count and the page: a row the counters do not have yet.
    const { db } = testDatabase.database;
    const { conversation_id: conversationId } = await db.selectFrom('messages').select('conversation_id')
      .where('id', '=', sent[0].id).executeTakeFirstOrThrow();
    await db.insertInto('messages').values({ conversation_id: conversationId, sender_id: bob.user.id, recipient_id: alice.user.id,
      content: 'in flight', created_at: Date.now(), edited_at: null, deleted_at: null, client_id: null }).execute();
    for (let page = 1; page <= 3; page += 1) {
      const res = (await alice.get(`/list-messages/bob/?page=${page}`)).json();
      assert.equal(res.count, 25);
      assert.deepEqual(res.results, sent.slice((page - 1) * 10, page * 10), `page ${page}`);
    }
    const carol = await signUp(app, 'carol');
    const few = await converse(alice, carol, 3);
    const { conversation_id: fewId } = await db.selectFrom('messages').select('conversation_id')
      .where('id', '=', few[0].id).executeTakeFirstOrThrow();
    await db.insertInto('messages').values({ conversation_id: fewId, sender_id: carol.user.id, recipient_id: alice.user.id,
      content: 'in flight', created_at: Date.now(), edited_at: null, deleted_at: null, client_id: null }).execute();
    assert.deepEqual((await alice.get('/list-messages/carol/')).json().results, few);
  });

  test('every page size slices the conversation like the full ordered list', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 25);
    for (const size of [1, 2, 3, 5, 6, 7, 12, 13, 24, 25, 26]) {
      const pages = Math.ceil(25 / size);
      const seen: Message[] = [];
      for (let page = 1; page <= pages; page += 1) {
        const res = await bob.get(`/list-messages/alice/?page=${page}&page_size=${size}`);
        assert.deepEqual(res.json().results, sent.slice((page - 1) * size, page * size), `page ${page} of size ${size}`);
        seen.push(...res.json().results);
      }
      assert.deepEqual(seen, sent, `all pages of size ${size}`);
    }
  });

  test('a parameter given twice has its last value, as Django reads it, and the links lead on from there', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await converse(alice, bob, 6);
    const res = await bob.get('/list-messages/alice/?page=1&page_size=5&page=2&page_size=2');
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json().results, sent.slice(2, 4));
    // The links replace `page` and keep the rest as sent, as DRF's do: they lead to the neighbouring pages.
    const follow = async (link: string) => (await bob.get(new URL(link).pathname + new URL(link).search)).json().results;
    assert.deepEqual(await follow(res.json().next), sent.slice(4, 6));
    assert.deepEqual(await follow(res.json().previous), sent.slice(0, 2));
  });

  test('page_size above 100 is capped at 100', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = await sendMany(alice, 'bob', 101);
    const res = await alice.get('/list-messages/bob/?page_size=1000');
    assert.equal(res.json().count, 101);
    assert.deepEqual(res.json().results, sent.slice(0, 100));
    const next = new URL(res.json().next);
    assert.equal(next.searchParams.get('page'), '2');
    const rest = await alice.get(next.pathname + next.search);
    assert.deepEqual(rest.json().results, sent.slice(100));
  });

  test('a page_size that is not a positive whole number falls back to 10', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sent = await sendMany(alice, 'bob', 11);
    for (const size of ['0', '-5', 'abc', '2.5', '']) {
      const res = await alice.get(`/list-messages/bob/?page_size=${size}`);
      assert.equal(res.statusCode, 200, size);
      assert.deepEqual(res.json().results, sent.slice(0, 10), `page_size=${size}`);
    }
  });

  test('next and previous are absolute links that keep the other parameters', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await sendMany(alice, 'bob', 9);
    const headers = { host: 'chat.example.com' };
    const page1 = await alice.get('/list-messages/bob/?page_size=3', headers);
    assert.equal(page1.json().previous, null);
    assert.equal(page1.json().next, 'http://chat.example.com/list-messages/bob/?page=2&page_size=3');
    const page2 = await alice.get('/list-messages/bob/?page=2&page_size=3', headers);
    assert.equal(page2.json().previous, 'http://chat.example.com/list-messages/bob/?page_size=3');
    assert.equal(page2.json().next, 'http://chat.example.com/list-messages/bob/?page=3&page_size=3');
    const page3 = await alice.get('/list-messages/bob/?page=3&page_size=3', headers);
    assert.equal(page3.json().previous, 'http://chat.example.com/list-messages/bob/?page=2&page_size=3');
    assert.equal(page3.json().next, null);
  });

  test('an unknown user is 404 Not found', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const peer of ['nobody', 'nobody@example.com']) {
      const res = await alice.get(`/list-messages/${peer}/`);
      assert.equal(res.statusCode, 404, peer);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('a page that does not exist is 404 Invalid page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await sendMany(alice, 'bob', 3);
    for (const page of ['2', '0', '-1', 'abc', 'first', '1.5', '99999999999999999999']) {
      const res = await alice.get(`/list-messages/bob/?page=${page}`);
      assert.equal(res.statusCode, 404, `page=${page}`);
      assert.deepEqual(res.json(), { detail: 'Invalid page.' });
    }
  });

  test('a conversation with nobody yet is an empty page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const query of ['', '?page=1', '?page=last']) {
      const res = await alice.get(`/list-messages/bob/${query}`);
      assert.equal(res.statusCode, 200, query);
      assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
    }
    const page2 = await alice.get('/list-messages/bob/?page=2');
    assert.equal(page2.statusCode, 404);
    assert.deepEqual(page2.json(), { detail: 'Invalid page.' });
  });

  test('a third user listing alice\'s conversation with bob sees only their own, empty one', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    await converse(alice, bob, 3);
    for (const peer of ['bob', 'alice']) {
      const res = await carol.get(`/list-messages/${peer}/`);
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
    }
  });

  test('notes to self are listed under your own name and nowhere else', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const note = (await alice.post('/messages/', { recipient: 'alice', content: 'note' })).json();
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    const own = await alice.get('/list-messages/alice/');
    assert.deepEqual(own.json(), { count: 1, next: null, previous: null, results: [note] });
    const withBob = await alice.get('/list-messages/bob/');
    assert.equal(withBob.json().count, 1);
    assert.notEqual(withBob.json().results[0].id, note.id);
  });

  test('listing a conversation refuses anonymous callers', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'bob');
    const res = await new TestClient(app).get('/list-messages/bob/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });
});
