import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connect, listen, nextEvent } from '../../helpers/sockets.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const CLIENT_ID = '0b6a3c6e-4f2d-4c1a-9e8b-7d5f1a2b3c4d';

/** How many rows the database holds, to prove that a refused or replayed send stored nothing. */
async function stored({ testDatabase }: TestApp) {
  const { db } = testDatabase.database;
  const count = async (table: 'messages' | 'conversations' | 'conversation_members') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { messages: await count('messages'), conversations: await count('conversations'), members: await count('conversation_members') };
}

async function conversationRows({ testDatabase }: TestApp) {
  return testDatabase.database.db.selectFrom('conversations').select(['id', 'message_count']).execute();
}

async function unreadCountOf({ testDatabase }: TestApp, userId: number) {
  const row = await testDatabase.database.db.selectFrom('conversation_members')
    .select('unread_count').where('user_id', '=', userId).executeTakeFirstOrThrow();
  return Number(row.unread_count);
}

describeEachDatabase('sending a message', (kind) => {
  test('a sent message is answered with 201 and the full message object', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: 'Hello, Bob!' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    const message = res.json();
    assert.ok(Number.isInteger(message.id) && message.id > 0);
    assert.deepEqual(message, {
      id: message.id,
      sender: alice.user.id,
      recipient: bob.id,
      sender_username: 'alice',
      recipient_username: 'bob',
      content: 'Hello, Bob!',
      timestamp: message.timestamp,
      edited_at: null,
      client_id: null,
      deleted: false,
      conversation: message.conversation,
    });
    assert.ok(Number.isInteger(message.conversation) && message.conversation > 0);
  });

  test('the timestamp is the sending time in ISO 8601 UTC with a Z', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const before = Date.now();
    const res = await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    const after = Date.now();
    const { timestamp } = res.json();
    assert.match(timestamp, ISO_UTC);
    assert.ok(Date.parse(timestamp) >= before && Date.parse(timestamp) <= after, `${timestamp} is not between the request's start and end`);
  });

  test('the recipient can be named by email', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob@example.com', content: 'hi' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().recipient, bob.id);
    assert.equal(res.json().recipient_username, 'bob');
  });

  test('the recipient\'s username and email match in any letter case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'Bob', 'Bob@Example.com');
    for (const recipient of ['bob', 'BOB', 'bOb', 'bob@example.com', 'BOB@EXAMPLE.COM']) {
      const res = await alice.post('/messages/', { recipient, content: `to ${recipient}` });
      assert.equal(res.statusCode, 201, `recipient ${recipient}: ${res.body}`);
      assert.equal(res.json().recipient, bob.id);
      assert.equal(res.json().recipient_username, 'Bob');
    }
  });

  test('an unknown recipient is refused with the original service\'s error', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const recipient of ['nobody', 'nobody@example.com']) {
      const res = await alice.post('/messages/', { recipient, content: 'hi' });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), { error: 'Recipient not found', recipient: ['No user with this username or email.'] });
    }
  });

  test('blank content is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: '' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { content: ['This field may not be blank.'] });
  });

  test('content of only white space is refused as blank', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const content of [' ', '   ', '\t\n\r ', '\u00a0\u2003\u3000', '\x1c\x1f', '\u0085 ']) {
      const res = await alice.post('/messages/', { recipient: 'bob', content });
      assert.equal(res.statusCode, 400, JSON.stringify(content));
      assert.deepEqual(res.json(), { content: ['This field may not be blank.'] });
    }
  });

  test('white space is what Python strips: a lone U+FEFF is content', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: '\ufeff' });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().content, '\ufeff');
  });

  test('content of exactly 10,000 characters is accepted and stored whole', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const content = 'x'.repeat(10_000);
    const res = await alice.post('/messages/', { recipient: 'bob', content });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().content, content);
    const read = await alice.get(`/messages/${res.json().id}/`);
    assert.equal(read.json().content, content);
  });

  test('content of 10,001 characters is refused, not cut', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: 'x'.repeat(10_001) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { content: ['Ensure this field has no more than 10000 characters.'] });
    assert.equal((await stored(app)).messages, 0);
  });

  test('the length limit counts code points, so 10,000 emoji are accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const content = '\u{1F600}'.repeat(10_000);
    const res = await alice.post('/messages/', { recipient: 'bob', content });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().content, content);
    const read = await alice.get(`/messages/${res.json().id}/`);
    assert.equal(read.json().content, content);
  });

  test('10,001 emoji are refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: '\u{1F600}'.repeat(10_001) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { content: ['Ensure this field has no more than 10000 characters.'] });
  });

  test('content with a NUL character is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const content of ['\u0000', 'before\u0000after']) {
      const res = await alice.post('/messages/', { recipient: 'bob', content });
      assert.equal(res.statusCode, 400);
      assert.deepEqual(res.json(), { content: ['Null characters are not allowed.'] });
    }
  });

  test('content with half a surrogate pair is refused, as DRF refuses it; a whole pair is a character', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const [content, codePoint] of [['a\ud800b', 'D800'], ['\udfff', 'DFFF'], ['\ud83d\ud83d\udcac', 'D83D']]) {
      // JSON.stringify writes a lone half as an escape ("\ud800"), as a client would send it.
      const res = await alice.post('/messages/', { recipient: 'bob', content });
      assert.deepEqual([res.statusCode, res.json()], [400, { content: [`Surrogate characters are not allowed: U+${codePoint}.`] }]);
    }
    const whole = await alice.post('/messages/', { recipient: 'bob', content: '\u{1F4AC} ok' });
    assert.equal(whole.statusCode, 201);
    const { id } = whole.json();
    const edit = await alice.patch(`/messages/${id}/`, { content: 'x\udc00' });
    assert.deepEqual([edit.statusCode, edit.json()], [400, { content: ['Surrogate characters are not allowed: U+DC00.'] }]);
    const stored = (await alice.get('/list-messages/bob/')).json().results;
    assert.deepEqual(stored.map((message: { content: string }) => message.content), ['\u{1F4AC} ok']);
  });

  test('a recipient with a NUL character is refused as a field error', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob\u0000', content: 'hi' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { recipient: ['Null characters are not allowed.'] });
  });

  test('content that is neither text nor a number is refused; a number is taken as its text, as DRF takes it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const number = await alice.post('/messages/', { recipient: 'bob', content: 5 });
    assert.deepEqual([number.statusCode, number.json().content], [201, '5']);
    for (const content of [true, ['hi'], { text: 'hi' }]) {
      const res = await alice.post('/messages/', { recipient: 'bob', content });
      assert.equal(res.statusCode, 400, JSON.stringify(content));
      assert.deepEqual(res.json(), { content: ['Not a valid string.'] });
    }
  });

  test('a null recipient is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.post('/messages/', { recipient: null, content: 'hi' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { recipient: ['This field may not be null.'] });
  });

  test('null content is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', { recipient: 'bob', content: null });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { content: ['This field may not be null.'] });
  });

  test('missing fields are each reported as required', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const empty = await alice.post('/messages/', {});
    assert.equal(empty.statusCode, 400);
    assert.deepEqual(empty.json(), { recipient: ['This field is required.'], content: ['This field is required.'] });
    const noContent = await alice.post('/messages/', { recipient: 'bob' });
    assert.deepEqual(noContent.json(), { content: ['This field is required.'] });
    const noBody = await alice.post('/messages/');
    assert.equal(noBody.statusCode, 400);
    assert.deepEqual(noBody.json(), { recipient: ['This field is required.'], content: ['This field is required.'] });
  });

  test('a JSON body that is not an object is refused as DRF does', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.post('/messages/', '["bob", "hi"]', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('a form-encoded body is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', 'recipient=bob&content=Hello%2C+Bob%21',
      { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().content, 'Hello, Bob!');
  });

  test('sending without logging in is refused with 403', async (t) => {
    const app = await buildTestApp(t, kind);
    await register(app.app, 'bob');
    const res = await new TestClient(app.app).post('/messages/', { recipient: 'bob', content: 'hi' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
    assert.equal((await stored(app)).messages, 0);
  });

  test('a user can message themself, as a note to self', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const res = await alice.post('/messages/', { recipient: 'alice', content: 'remember the milk' });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().sender, alice.user.id);
    assert.equal(res.json().recipient, alice.user.id);
    const list = await alice.get('/list-messages/alice/');
    assert.equal(list.json().count, 1);
    assert.deepEqual(list.json().results, [res.json()]);
    assert.deepEqual(await stored(app), { messages: 1, conversations: 1, members: 1 });
    assert.equal(await unreadCountOf(app, alice.user.id), 0);
  });

  test('a refused send stores nothing', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const refused = [
      { recipient: 'nobody', content: 'hi' },
      { recipient: 'bob', content: '' },
      { recipient: 'bob', content: '  ' },
      { recipient: 'bob', content: 'x'.repeat(10_001) },
      { recipient: 'bob', content: 'a\u0000b' },
      { recipient: 'bob', content: true },
      { recipient: 'bob', content: 'hi', client_id: 'not-a-uuid' },
      { recipient: 'bob' },
    ];
    for (const body of refused) {
      const res = await alice.post('/messages/', body);
      assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80));
    }
    assert.deepEqual(await stored(app), { messages: 0, conversations: 0, members: 0 });
    const own = await alice.get('/messages/');
    assert.equal(own.json().count, 0);
    assert.deepEqual(own.json().results, []);
  });

  test('each message to the recipient adds to their unread count, not to the sender\'s', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await register(app.app, 'bob');
    for (let i = 0; i < 3; i += 1) await alice.post('/messages/', { recipient: 'bob', content: `hi ${i}` });
    assert.equal(await unreadCountOf(app, bob.id), 3);
    assert.equal(await unreadCountOf(app, alice.user.id), 0);
    assert.deepEqual((await conversationRows(app)).map((row) => Number(row.message_count)), [3]);
  });
});

describeEachDatabase('sending a message idempotently', (kind) => {
  test('the same client_id sent twice returns the original message with 200 and stores it once', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await register(app.app, 'bob');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().client_id, CLIENT_ID);
    const second = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(second.statusCode, 200);
    assert.deepEqual(second.json(), first.json());
    assert.equal((await stored(app)).messages, 1);
    assert.deepEqual((await conversationRows(app)).map((row) => Number(row.message_count)), [1]);
    assert.equal(await unreadCountOf(app, bob.id), 1);
  });

  test('the client_id is shown to the sender only: the recipient sees null in every answer and event', async (t) => {
    const app = await buildTestApp(t, kind);
    const url = await listen(app.app);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const aliceSocket = await connect(t, url, { as: alice });
    const bobSocket = await connect(t, url, { as: bob });
    const sent = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(sent.json().client_id, CLIENT_ID);
    const id = sent.json().id as number;
    const clientIdOf = (message: { client_id?: string | null }) => message.client_id;
    assert.equal(clientIdOf((await nextEvent(aliceSocket, 'message.created')).message!), CLIENT_ID);
    assert.equal(clientIdOf((await nextEvent(bobSocket, 'message.created')).message!), null);

    const views = async (client: TestClient) => [
      (await client.get(`/messages/${id}/`)).json(),
      (await client.get(`/list-messages/${client === alice ? 'bob' : 'alice'}/`)).json().results[0],
      (await client.get(`/list-messages/${client === alice ? 'bob' : 'alice'}/?after=0`)).json().results[0],
      (await client.get('/messages/')).json().results[0],
      (await client.get('/conversations/')).json().results[0].last_message,
    ];
    for (const view of await views(alice)) assert.equal(view.client_id, CLIENT_ID, JSON.stringify(view));
    for (const view of await views(bob)) assert.equal(view.client_id, null, JSON.stringify(view));

    const edited = await alice.patch(`/messages/${id}/`, { content: 'hi again' });
    assert.equal(edited.json().client_id, CLIENT_ID);
    assert.equal(clientIdOf((await nextEvent(aliceSocket, 'message.updated')).message!), CLIENT_ID);
    assert.equal(clientIdOf((await nextEvent(bobSocket, 'message.updated')).message!), null);
    assert.equal((await alice.delete(`/messages/${id}/`)).statusCode, 204);
    assert.equal(clientIdOf((await nextEvent(bobSocket, 'message.deleted')).message!), null);
    assert.equal(clientIdOf((await nextEvent(aliceSocket, 'message.deleted')).message!), CLIENT_ID);
  });

  test('a replay returns the original even when its content differs', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'first', client_id: CLIENT_ID });
    const second = await alice.post('/messages/', { recipient: 'bob', content: 'second', client_id: CLIENT_ID });
    assert.equal(second.statusCode, 200);
    assert.equal(second.json().id, first.json().id);
    assert.equal(second.json().content, 'first');
  });

  test('a replay naming another recipient returns the original and opens no conversation', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await register(app.app, 'bob');
    await register(app.app, 'carol');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    const replay = await alice.post('/messages/', { recipient: 'carol', content: 'hi', client_id: CLIENT_ID });
    assert.equal(replay.statusCode, 200);
    assert.deepEqual(replay.json(), first.json());
    assert.equal(replay.json().recipient, bob.id);
    assert.deepEqual(await stored(app), { messages: 1, conversations: 1, members: 2 });
  });

  test('a send retried after its recipient was deactivated answers the original, not 400', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    await app.testDatabase.database.db.updateTable('users').set({ is_active: 0 }).where('username', '=', 'bob').execute();
    const retry = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(retry.statusCode, 200);
    assert.deepEqual(retry.json(), first.json());
    const fresh = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' });
    assert.equal(fresh.statusCode, 400);
    assert.equal((await stored(app)).messages, 1);
  });

  test('the same client_id from two senders makes two messages', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const carol = await signUp(app.app, 'carol');
    await register(app.app, 'bob');
    const fromAlice = await alice.post('/messages/', { recipient: 'bob', content: 'from alice', client_id: CLIENT_ID });
    const fromCarol = await carol.post('/messages/', { recipient: 'bob', content: 'from carol', client_id: CLIENT_ID });
    assert.equal(fromAlice.statusCode, 201);
    assert.equal(fromCarol.statusCode, 201);
    assert.notEqual(fromAlice.json().id, fromCarol.json().id);
    assert.equal(fromCarol.json().content, 'from carol');
    assert.equal((await stored(app)).messages, 2);
  });

  test('an Idempotency-Key header replays like client_id', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const headers = { 'idempotency-key': CLIENT_ID };
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, headers);
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().client_id, CLIENT_ID);
    const second = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, headers);
    assert.equal(second.statusCode, 200);
    assert.deepEqual(second.json(), first.json());
    assert.equal((await stored(app)).messages, 1);
  });

  test('a UUID as Idempotency-Key is the same key as that client_id, however it is spelled', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'idempotency-key': CLIENT_ID.toUpperCase() });
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().client_id, CLIENT_ID);
    const retry = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.deepEqual([retry.statusCode, retry.json()], [200, first.json()]);
    // Any other key is compared as sent.
    const opaque = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'idempotency-key': 'Order-7' });
    const otherCase = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'idempotency-key': 'order-7' });
    assert.deepEqual([opaque.statusCode, otherCase.statusCode], [201, 201]);
    assert.equal((await stored(app)).messages, 3);
  });

  test('client_id in the body wins over an Idempotency-Key header', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const headerKey = '5f0c2a1e-8d3b-4e6f-a7c9-0b1d2e3f4a5b';
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID },
      { 'idempotency-key': headerKey });
    assert.equal(first.json().client_id, CLIENT_ID);
    const replay = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(replay.statusCode, 200);
    const fresh = await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'idempotency-key': headerKey });
    assert.equal(fresh.statusCode, 201);
  });

  test('a client_id that is not a UUID is refused', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    for (const clientId of ['not-a-uuid', '', '0b6a3c6e4f2d4c1a9e8b7d5f1a2b3c4', `${CLIENT_ID}0`]) {
      const res = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: clientId });
      assert.equal(res.statusCode, 400, clientId);
      assert.deepEqual(res.json(), { client_id: ['Must be a valid UUID.'] });
    }
    assert.equal((await stored(app)).messages, 0);
  });

  test('a client_id is one key whatever the letter case of its hex digits', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await register(app.app, 'bob');
    const first = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID.toUpperCase() });
    assert.equal(first.statusCode, 201);
    assert.equal(first.json().client_id, CLIENT_ID, 'a UUID comes back in its canonical lowercase form');
    const replay = await alice.post('/messages/', { recipient: 'bob', content: 'hi', client_id: CLIENT_ID });
    assert.equal(replay.statusCode, 200);
    assert.equal(replay.json().id, first.json().id);
    assert.equal((await stored(app)).messages, 1);
  });
});

describeEachDatabase('sending messages concurrently', (kind) => {
  test('30 concurrent first messages make one conversation that counts all 30', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await register(app.app, 'bob');
    const responses = await Promise.all(Array.from({ length: 30 },
      (_, i) => alice.post('/messages/', { recipient: 'bob', content: `message ${i}` })));
    assert.deepEqual(responses.map((res) => res.statusCode), Array(30).fill(201));
    assert.equal(new Set(responses.map((res) => res.json().id)).size, 30);
    assert.deepEqual(await stored(app), { messages: 30, conversations: 1, members: 2 });
    assert.deepEqual((await conversationRows(app)).map((row) => Number(row.message_count)), [30]);
    assert.equal(await unreadCountOf(app, bob.id), 30);
    assert.equal(await unreadCountOf(app, alice.user.id), 0);
    const list = await alice.get('/list-messages/bob/?page_size=100');
    assert.equal(list.json().count, 30);
    assert.equal(list.json().results.length, 30);
  });

  test('concurrent first messages in both directions make one conversation', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0
      ? alice.post('/messages/', { recipient: 'bob', content: `a${i}` })
      : bob.post('/messages/', { recipient: 'alice', content: `b${i}` }))));
    assert.deepEqual(responses.map((res) => res.statusCode), Array(20).fill(201));
    assert.deepEqual(await stored(app), { messages: 20, conversations: 1, members: 2 });
    assert.deepEqual((await conversationRows(app)).map((row) => Number(row.message_count)), [20]);
    assert.equal(await unreadCountOf(app, alice.user.id), 10);
    assert.equal(await unreadCountOf(app, bob.user.id), 10);
  });

  test('10 concurrent sends with one client_id store exactly one message', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await register(app.app, 'bob');
    const responses = await Promise.all(Array.from({ length: 10 },
      () => alice.post('/messages/', { recipient: 'bob', content: 'once', client_id: CLIENT_ID })));
    const statuses = responses.map((res) => res.statusCode).sort();
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const original = responses.find((res) => res.statusCode === 201)!.json();
    for (const res of responses) assert.deepEqual(res.json(), original);
    assert.deepEqual(await stored(app), { messages: 1, conversations: 1, members: 2 });
    assert.deepEqual((await conversationRows(app)).map((row) => Number(row.message_count)), [1]);
    assert.equal(await unreadCountOf(app, bob.id), 1);
  });
});
