import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NOT_PERMITTED = { detail: 'You do not have permission to perform this action.' };

interface Message {
  id: number;
  content: string;
  edited_at: string | null;
  deleted: boolean;
}

async function send(from: TestClient, to: string, content: string): Promise<Message> {
  const res = await from.post('/messages/', { recipient: to, content });
  assert.equal(res.statusCode, 201, res.body);
  return res.json();
}

async function storedContent({ testDatabase }: TestApp, id: number) {
  return testDatabase.database.db.selectFrom('messages').select(['content', 'deleted_at'])
    .where('id', '=', id).executeTakeFirstOrThrow();
}

async function inboxEntry(client: TestClient) {
  const res = await client.get('/conversations/');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().results[0];
}

describeEachDatabase('editing a message', (kind) => {
  test('the sender can edit a message, which sets edited_at', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'helo');
    const before = Date.now();
    const res = await alice.patch(`/messages/${sent.id}/`, { content: 'hello' });
    assert.equal(res.statusCode, 200);
    const edited = res.json();
    assert.match(edited.edited_at, ISO_UTC);
    assert.ok(Date.parse(edited.edited_at) >= before);
    assert.deepEqual(edited, { ...sent, content: 'hello', edited_at: edited.edited_at });
    assert.deepEqual((await alice.get(`/messages/${sent.id}/`)).json(), edited);
  });

  test('an edit shows in both members\' history', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'helo');
    const edited = (await alice.patch(`/messages/${sent.id}/`, { content: 'hello' })).json();
    assert.deepEqual((await bob.get('/list-messages/alice/')).json().results, [edited]);
    assert.deepEqual((await alice.get(`/list-messages/bob/?around=${sent.id}`)).json().results, [edited]);
  });

  test('the recipient cannot edit a message and is told so with 403', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'original');
    const res = await bob.patch(`/messages/${sent.id}/`, { content: 'forged' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_PERMITTED);
    assert.equal((await storedContent(app, sent.id)).content, 'original');
  });

  test('a third user gets 404 when editing someone else\'s message', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const carol = await signUp(app.app, 'carol');
    const sent = await send(alice, 'bob', 'original');
    const res = await carol.patch(`/messages/${sent.id}/`, { content: 'forged' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Not found.' });
    assert.equal((await storedContent(app, sent.id)).content, 'original');
  });

  test('editing an unknown message id is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'original');
    for (const id of [String(sent.id + 1), 'abc']) {
      const res = await alice.patch(`/messages/${id}/`, { content: 'new' });
      assert.equal(res.statusCode, 404, id);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('whose message it is, is checked before the body, as DRF does: 404 and 403 whatever the body', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const carol = await signUp(app.app, 'carol');
    const sent = await send(alice, 'bob', 'original');
    for (const body of [{ content: '' }, { content: true }, {}, { content: ['x'] }]) {
      const label = JSON.stringify(body);
      assert.equal((await carol.patch(`/messages/${sent.id}/`, body)).statusCode, 404, label);
      assert.equal((await alice.patch(`/messages/${sent.id + 1}/`, body)).statusCode, 404, label);
      assert.equal((await alice.patch('/messages/abc/', body)).statusCode, 404, label);
      const byRecipient = await bob.patch(`/messages/${sent.id}/`, body);
      assert.equal(byRecipient.statusCode, 403, label);
      assert.deepEqual(byRecipient.json(), NOT_PERMITTED, label);
      assert.equal((await alice.patch(`/messages/${sent.id}/`, body)).statusCode, 400, label);
    }
    assert.equal((await storedContent(app, sent.id)).content, 'original');
  });

  test('whose message it is, is checked before the body is parsed: 404 and 403 for a malformed or unsupported body', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    const sent = await send(alice, 'bob', 'original');
    const bodies = [
      { payload: '{bad', 'content-type': 'application/json' },
      { payload: '<content>x</content>', 'content-type': 'text/xml' },
      { payload: `${'['.repeat(40)}${']'.repeat(40)}`, 'content-type': 'application/json' },
    ];
    for (const { payload, 'content-type': contentType } of bodies) {
      const patch = (client: TestClient, id: number) => client.request('PATCH', `/messages/${id}/`, payload,
        { 'content-type': contentType });
      assert.equal((await patch(carol, sent.id)).statusCode, 404, payload);
      assert.equal((await patch(alice, sent.id + 1)).statusCode, 404, payload);
      assert.equal((await patch(bob, sent.id)).statusCode, 403, payload);
      assert.ok([400, 415].includes((await patch(alice, sent.id)).statusCode), payload);
    }
  });

  test('an edit is validated like a sent message', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'original');
    const refusals: [unknown, object][] = [
      [{ content: '' }, { content: ['This field may not be blank.'] }],
      [{ content: ' \t\n' }, { content: ['This field may not be blank.'] }],
      [{ content: 'x'.repeat(10_001) }, { content: ['Ensure this field has no more than 10000 characters.'] }],
      [{ content: 'a\u0000b' }, { content: ['Null characters are not allowed.'] }],
      [{ content: false }, { content: ['Not a valid string.'] }],
      [{}, { content: ['This field is required.'] }],
    ];
    for (const [body, errors] of refusals) {
      const res = await alice.patch(`/messages/${sent.id}/`, body);
      assert.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 60));
      assert.deepEqual(res.json(), errors);
    }
    assert.deepEqual(await storedContent(app, sent.id), { content: 'original', deleted_at: null });
    assert.equal((await alice.get(`/messages/${sent.id}/`)).json().edited_at, null);
  });

  test('an edit of exactly 10,000 characters is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'short');
    const res = await alice.patch(`/messages/${sent.id}/`, { content: '😀'.repeat(10_000) });
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().content, '😀'.repeat(10_000));
  });

  test('a deleted message cannot be edited', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'gone soon');
    assert.equal((await alice.delete(`/messages/${sent.id}/`)).statusCode, 204);
    const res = await alice.patch(`/messages/${sent.id}/`, { content: 'back again' });
    assert.equal(res.statusCode, 409);
    assert.deepEqual(res.json(), { detail: 'This message was deleted.' });
    assert.equal((await storedContent(app, sent.id)).content, null);
  });

  test('an edit racing a delete either lands before it or answers 409, never 200 for an edit that changed nothing', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    for (let i = 0; i < 20; i += 1) {
      const sent = await send(alice, 'bob', `message ${i}`);
      const [edit, removal] = await Promise.all([
        alice.patch(`/messages/${sent.id}/`, { content: 'edited' }),
        alice.delete(`/messages/${sent.id}/`),
      ]);
      assert.equal(removal.statusCode, 204);
      if (edit.statusCode === 200) {
        // The edit landed (it set edited_at); the answer is the message as it is now, deleted since or not.
        const { edited_at: editedAt, deleted, content } = edit.json();
        assert.notEqual(editedAt, null);
        assert.equal(content, deleted ? '' : 'edited');
      } else {
        assert.deepEqual([edit.statusCode, edit.json()], [409, { detail: 'This message was deleted.' }]);
      }
      assert.equal((await storedContent(app, sent.id)).content, null);
    }
  });

  test('the inbox shows the edited text when it was the last message', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'helo');
    const edited = (await alice.patch(`/messages/${sent.id}/`, { content: 'hello' })).json();
    assert.deepEqual((await inboxEntry(alice)).last_message, edited);
    assert.deepEqual((await inboxEntry(bob)).last_message, edited);
  });

  test('editing without logging in is refused with 403', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'original');
    const res = await new TestClient(app.app).patch(`/messages/${sent.id}/`, { content: 'forged' });
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
    assert.equal((await storedContent(app, sent.id)).content, 'original');
  });
});

describeEachDatabase('deleting a message', (kind) => {
  test('the sender deletes a message with 204 and it stays in history as a tombstone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const kept = await send(alice, 'bob', 'kept');
    const doomed = await send(alice, 'bob', 'regrettable');
    const res = await alice.delete(`/messages/${doomed.id}/`);
    assert.equal(res.statusCode, 204);
    assert.equal(res.body, '');
    const tombstone = { ...doomed, content: '', deleted: true };
    assert.deepEqual((await bob.get('/list-messages/alice/')).json().results, [kept, tombstone]);
    assert.deepEqual((await bob.get(`/list-messages/alice/?before=${doomed.id + 1}`)).json().results, [tombstone, kept]);
    assert.deepEqual((await bob.get(`/messages/${doomed.id}/`)).json(), tombstone);
  });

  test('a deleted message\'s content is erased from storage', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'secret');
    await alice.delete(`/messages/${sent.id}/`);
    const row = await storedContent(app, sent.id);
    assert.equal(row.content, null);
    assert.ok(row.deleted_at !== null);
  });

  test('the recipient cannot delete a message and is told so with 403', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    const bob = await signUp(app.app, 'bob');
    const sent = await send(alice, 'bob', 'keep me');
    const res = await bob.delete(`/messages/${sent.id}/`);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), NOT_PERMITTED);
    assert.deepEqual(await storedContent(app, sent.id), { content: 'keep me', deleted_at: null });
  });

  test('a third user gets 404 when deleting someone else\'s message', async (t) => {
    const app = await buildTestApp(t, kind);
    const alice = await signUp(app.app, 'alice');
    await signUp(app.app, 'bob');
    const carol = await signUp(app.app, 'carol');
    const sent = await send(alice, 'bob', 'keep me');
    const res = await carol.delete(`/messages/${sent.id}/`);
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Not found.' });
    assert.deepEqual(await storedContent(app, sent.id), { content: 'keep me', deleted_at: null });
  });

  test('deleting a message twice answers 204 both times', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'once');
    assert.equal((await alice.delete(`/messages/${sent.id}/`)).statusCode, 204);
    assert.equal((await alice.delete(`/messages/${sent.id}/`)).statusCode, 204);
    assert.equal((await alice.get(`/messages/${sent.id}/`)).json().deleted, true);
  });

  test('an unread deleted message no longer counts as unread', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const first = await send(alice, 'bob', 'one');
    const second = await send(alice, 'bob', 'two');
    await send(alice, 'bob', 'three');
    assert.equal((await inboxEntry(bob)).unread_count, 3);
    await alice.delete(`/messages/${second.id}/`);
    assert.equal((await inboxEntry(bob)).unread_count, 2);
    await alice.delete(`/messages/${second.id}/`);
    assert.equal((await inboxEntry(bob)).unread_count, 2, 'a second delete takes nothing more off');
    await bob.post('/conversations/alice/read/', { up_to: first.id });
    assert.equal((await inboxEntry(bob)).unread_count, 1);
  });

  test('deleting a message already read leaves the unread count alone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const first = await send(alice, 'bob', 'one');
    await send(alice, 'bob', 'two');
    await bob.post('/conversations/alice/read/', { up_to: first.id });
    await alice.delete(`/messages/${first.id}/`);
    assert.equal((await inboxEntry(bob)).unread_count, 1);
  });

  test('the page-number count is unchanged by a delete', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'one');
    await send(alice, 'bob', 'two');
    await alice.delete(`/messages/${sent.id}/`);
    const page = (await alice.get('/list-messages/bob/')).json();
    assert.equal(page.count, 2);
    assert.equal(page.results.length, 2);
    assert.equal((await inboxEntry(alice)).message_count, 2);
  });

  test('the inbox shows a tombstone when the last message was deleted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'oops');
    await alice.delete(`/messages/${sent.id}/`);
    assert.deepEqual((await inboxEntry(bob)).last_message, { ...sent, content: '', deleted: true });
  });

  test('deleting an unknown message id is 404', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await send(alice, 'bob', 'hi');
    const res = await alice.delete(`/messages/${sent.id + 1}/`);
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { detail: 'Not found.' });
  });
});
