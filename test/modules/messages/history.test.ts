import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

interface Message {
  id: number;
  content: string;
}

interface Slice {
  results: Message[];
  has_older: boolean;
  has_newer: boolean;
}

/**
 * Alice and Bob exchange `count` messages, with a message between Alice and Carol before and in
 * between, so that the conversation's ids neither start at 1 nor follow each other.
 */
async function history(app: FastifyInstance, count: number) {
  const alice = await signUp(app, 'alice');
  const bob = await signUp(app, 'bob');
  const carol = await signUp(app, 'carol');
  const elsewhere = async () => (await carol.post('/messages/', { recipient: 'alice', content: 'elsewhere' })).json().id as number;
  const otherIds = [await elsewhere()];
  const sent: Message[] = [];
  for (let i = 0; i < count; i += 1) {
    const [from, to] = i % 2 === 0 ? [alice, 'bob'] : [bob, 'alice'];
    const res = await from.post('/messages/', { recipient: to, content: `message ${i}` });
    assert.equal(res.statusCode, 201, res.body);
    sent.push(res.json());
    if (i % 7 === 3) otherIds.push(await elsewhere());
  }
  return { alice, bob, carol, sent, otherIds };
}

async function slice(client: TestClient, query: string): Promise<Slice> {
  const res = await client.get(`/list-messages/bob/?${query}`);
  assert.equal(res.statusCode, 200, `${query}: ${res.body}`);
  return res.json();
}

const ids = (messages: readonly Message[]) => messages.map((m) => m.id);

describeEachDatabase('conversation history by message id', (kind) => {
  test('before= answers the older messages newest first, with both flags set in the middle', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const page = await slice(alice, `before=${sent[6].id}&limit=3`);
    assert.deepEqual(Object.keys(page).sort(), ['has_newer', 'has_older', 'results']);
    assert.deepEqual(page.results, [sent[5], sent[4], sent[3]]);
    assert.equal(page.has_older, true);
    assert.equal(page.has_newer, true);
  });

  test('before= past the newest message says there is nothing newer', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    for (const before of [sent[9].id + 1, 999_999_999, Number.MAX_SAFE_INTEGER]) {
      const page = await slice(alice, `before=${before}&limit=3`);
      assert.deepEqual(ids(page.results), ids([sent[9], sent[8], sent[7]]), `before=${before}`);
      assert.equal(page.has_older, true);
      assert.equal(page.has_newer, false);
    }
  });

  test('before= reaching the oldest message says there is nothing older', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const exact = await slice(alice, `before=${sent[3].id}&limit=3`);
    assert.deepEqual(ids(exact.results), ids([sent[2], sent[1], sent[0]]));
    assert.equal(exact.has_older, false);
    assert.equal(exact.has_newer, true);
    const short = await slice(alice, `before=${sent[2].id}&limit=5`);
    assert.deepEqual(ids(short.results), ids([sent[1], sent[0]]));
    assert.equal(short.has_older, false);
    const none = await slice(alice, `before=${sent[0].id}`);
    assert.deepEqual(none, { results: [], has_older: false, has_newer: true });
  });

  test('after= answers the newer messages oldest first, with both flags set in the middle', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const page = await slice(alice, `after=${sent[2].id}&limit=3`);
    assert.deepEqual(page.results, [sent[3], sent[4], sent[5]]);
    assert.equal(page.has_older, true);
    assert.equal(page.has_newer, true);
  });

  test('after= reaching the newest message says there is nothing newer', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const exact = await slice(alice, `after=${sent[6].id}&limit=3`);
    assert.deepEqual(ids(exact.results), ids([sent[7], sent[8], sent[9]]));
    assert.equal(exact.has_older, true);
    assert.equal(exact.has_newer, false);
    const none = await slice(alice, `after=${sent[9].id}`);
    assert.deepEqual(none, { results: [], has_older: true, has_newer: false });
  });

  test('after= before the oldest message says there is nothing older', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const page = await slice(alice, `after=${sent[0].id - 1}&limit=3`);
    assert.deepEqual(ids(page.results), ids([sent[0], sent[1], sent[2]]));
    assert.equal(page.has_older, false);
    assert.equal(page.has_newer, true);
  });

  test('after=0 reads from the start: a client that has seen nothing catches up with it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const first = await slice(alice, 'after=0&limit=4');
    assert.deepEqual(ids(first.results), ids(sent.slice(0, 4)));
    assert.equal(first.has_older, false);
    assert.equal(first.has_newer, true);
    const everything = await slice(alice, 'after=0');
    assert.deepEqual(everything, { results: everything.results, has_older: false, has_newer: false });
    assert.deepEqual(ids(everything.results), ids(sent));
    const stranger = await signUp(app, 'dave');
    assert.deepEqual(await slice(stranger, 'after=0'), { results: [], has_older: false, has_newer: false }, 'no conversation yet');
  });

  test('around= answers the message with its neighbours oldest first', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const page = await slice(alice, `around=${sent[5].id}&limit=4`);
    assert.deepEqual(page.results, [sent[3], sent[4], sent[5], sent[6]]);
    assert.equal(page.has_older, true);
    assert.equal(page.has_newer, true);
  });

  test('around= near either end says what lies beyond', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 10);
    const oldest = await slice(alice, `around=${sent[1].id}&limit=4`);
    assert.deepEqual(ids(oldest.results), ids([sent[0], sent[1], sent[2]]));
    assert.equal(oldest.has_older, false);
    assert.equal(oldest.has_newer, true);
    const newest = await slice(alice, `around=${sent[9].id}&limit=4`);
    assert.deepEqual(ids(newest.results), ids([sent[7], sent[8], sent[9]]));
    assert.equal(newest.has_older, true);
    assert.equal(newest.has_newer, false);
    const whole = await slice(alice, `around=${sent[5].id}&limit=10`);
    assert.deepEqual(ids(whole.results), ids(sent));
    assert.equal(whole.has_older, false);
    assert.equal(whole.has_newer, false);
  });

  test('around= with a limit of one answers just that message', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 5);
    assert.deepEqual(await slice(alice, `around=${sent[2].id}&limit=1`), { results: [sent[2]], has_older: true, has_newer: true });
    assert.deepEqual(await slice(alice, `around=${sent[0].id}&limit=1`), { results: [sent[0]], has_older: false, has_newer: true });
  });

  test('the limit defaults to 50, may be 100, and above that counts as 100', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 101);
    const byDefault = await slice(alice, `before=${sent[100].id + 1}`);
    assert.deepEqual(ids(byDefault.results), ids(sent.slice(51).reverse()));
    assert.equal(byDefault.has_older, true);
    for (const limit of [100, 101, 1000, 10 ** 20]) {
      const most = await slice(alice, `before=${sent[100].id + 1}&limit=${limit}`);
      assert.deepEqual(ids(most.results), ids(sent.slice(1).reverse()), `limit=${limit}`);
      assert.equal(most.has_older, true);
    }
  });

  test('a limit of 0 or less is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 2);
    const refusals: [number, string][] = [
      [0, 'Ensure this value is greater than or equal to 1.'],
      [-5, 'Ensure this value is greater than or equal to 1.'],
    ];
    for (const [limit, message] of refusals) {
      const res = await alice.get(`/list-messages/bob/?before=${sent[1].id}&limit=${limit}`);
      assert.equal(res.statusCode, 400, `limit=${limit}`);
      assert.deepEqual(res.json(), { limit: [message] });
    }
  });

  test('a cursor that is not a whole number, or below 1 (below 0 for after=), is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice } = await history(app, 2);
    const refusals: [string, object][] = [
      ['before=abc', { before: ['A valid integer is required.'] }],
      ['before=1.5', { before: ['A valid integer is required.'] }],
      ['after=-1', { after: ['Ensure this value is greater than or equal to 0.'] }],
      ['before=0', { before: ['Ensure this value is greater than or equal to 1.'] }],
      ['around=-1', { around: ['Ensure this value is greater than or equal to 1.'] }],
    ];
    for (const [query, errors] of refusals) {
      const res = await alice.get(`/list-messages/bob/?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.deepEqual(res.json(), errors);
    }
  });

  test('more than one of before, after and around is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 3);
    const id = sent[1].id;
    for (const query of [`before=${id}&after=${id}`, `after=${id}&around=${id}`, `before=${id}&around=${id}`,
      `before=${id}&after=${id}&around=${id}`]) {
      const res = await alice.get(`/list-messages/bob/?${query}`);
      assert.equal(res.statusCode, 400, query);
      assert.deepEqual(res.json(), { detail: 'Use only one of before, after and around.' });
    }
  });

  test('a conversation that does not exist yet is an empty slice with both flags false', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { bob, otherIds } = await history(app, 0);
    for (const query of ['before=999999', 'after=1', `around=${otherIds[0]}`]) {
      const res = await bob.get(`/list-messages/carol/?${query}`);
      assert.equal(res.statusCode, 200, query);
      assert.deepEqual(res.json(), { results: [], has_older: false, has_newer: false });
    }
  });

  test('an unknown user is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice } = await history(app, 1);
    for (const query of ['before=10', 'after=1', 'around=1']) {
      const res = await alice.get(`/list-messages/nobody/?${query}`);
      assert.equal(res.statusCode, 404, query);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('another conversation\'s messages never appear in a slice', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { carol, otherIds } = await history(app, 10);
    const page = (await carol.get(`/list-messages/alice/?before=999999999&limit=100`)).json();
    assert.deepEqual(ids(page.results), [...otherIds].reverse());
  });

  test('walking back with before= from the newest gives every message exactly once', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 23);
    const seen: Message[] = [];
    let page = await slice(alice, `before=${sent[22].id + 1}&limit=5`);
    seen.push(...page.results);
    while (page.has_older) {
      page = await slice(alice, `before=${page.results[page.results.length - 1].id}&limit=5`);
      seen.push(...page.results);
    }
    assert.deepEqual(seen, [...sent].reverse());
  });

  test('walking forward with after= from the oldest gives every message exactly once', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { bob, sent } = await history(app, 23);
    const seen: Message[] = [];
    let page = await bob.get(`/list-messages/alice/?after=${sent[0].id - 1}&limit=5`).then((res) => res.json() as Promise<Slice>);
    seen.push(...page.results);
    while (page.has_newer) {
      const after = page.results[page.results.length - 1].id;
      page = await bob.get(`/list-messages/alice/?after=${after}&limit=5`).then((res) => res.json() as Promise<Slice>);
      seen.push(...page.results);
    }
    assert.deepEqual(seen, sent);
  });

  test('the page-number form keeps working alongside, oldest first', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 7);
    const res = await alice.get('/list-messages/bob/?page=2&page_size=3', { host: 'chat.example.com' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      count: 7,
      next: 'http://chat.example.com/list-messages/bob/?page=3&page_size=3',
      previous: 'http://chat.example.com/list-messages/bob/?page_size=3',
      results: sent.slice(3, 6),
    });
  });

  test('the page-number count is the kept counter, not a count of rows', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const { alice, sent } = await history(app, 3);
    const { db } = testDatabase.database;
    await db.updateTable('conversations').set({ message_count: 42 })
      .where('last_message_id', '=', sent[2].id).execute();
    const res = await alice.get('/list-messages/bob/');
    assert.equal(res.json().count, 42);
  });

  test('history by id refuses anonymous callers', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const { sent } = await history(app, 1);
    const res = await new TestClient(app).get(`/list-messages/bob/?before=${sent[0].id + 1}`);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });
  test('a conversation with oneself reads back in both forms, named after its one member', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const sent: Message[] = [];
    for (let i = 0; i < 3; i += 1) sent.push((await alice.post('/messages/', { recipient: 'alice', content: `note ${i}` })).json());
    assert.equal((sent[0] as unknown as { recipient_username: string }).recipient_username, 'alice');
    const paged = await alice.get('/list-messages/alice/');
    assert.equal(paged.statusCode, 200, paged.body);
    assert.deepEqual(paged.json().results, sent);
    const keyset = await alice.get(`/list-messages/alice/?before=${sent[2].id + 1}`);
    assert.deepEqual(keyset.json().results, [...sent].reverse());
  });
});
