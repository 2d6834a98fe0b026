import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { installResponseSerializer } from '../../src/http/response-serializer.js';
import { MessagesPage } from '../../src/modules/messages/messages.schemas.js';
import { UsersPage } from '../../src/modules/users/users.schemas.js';

const message = (id: number, content: string) => ({
  id, sender: 1, recipient: 2, sender_username: 'alice', recipient_username: 'bob', content,
  timestamp: '2026-11-25T16:27:37.552Z', edited_at: id % 2 === 0 ? null : '2026-11-25T16:30:00.000Z',
  client_id: id % 3 === 0 ? null : `c-${id}"\\`, deleted: false, conversation: 7,
});
const contents = ['plain', 'say "hi"', 'back\\slash', 'line\nbreak\ttab', 'nul \u0000 bell \u0007', 'emoji 😀 é',
  'separators \u2028\u2029', 'lone \ud800 surrogate', '</script>', ''];
const page = { count: 12, next: 'http://x/list-messages/bob/?page=2', previous: null, results: contents.map((c, i) => message(i + 1, c)) };

async function appAnswering(body: unknown, schema: object, serializer: 'compiled' | 'stringify' | 'checked') {
  const app = Fastify();
  if (serializer !== 'compiled') installResponseSerializer(app, { checked: serializer === 'checked' });
  app.get('/', { schema: { response: { 200: schema } } }, async () => body);
  return app;
}

test('answers are written as the schema-compiled serializer writes them', async () => {
  for (const [body, schema] of [[page, MessagesPage], [{ count: 1, next: null, previous: null, results: [{ id: 1, username: 'a"b', email: 'a@b.c' }] }, UsersPage]] as const) {
    const compiled = await (await appAnswering(body, schema, 'compiled')).inject('/');
    const stringified = await (await appAnswering(body, schema, 'stringify')).inject('/');
    assert.equal(compiled.statusCode, 200);
    assert.equal(stringified.body, compiled.body);
    assert.equal(stringified.headers['content-length'], compiled.headers['content-length']);
  }
});

test('checked, an answer with a property its schema does not declare is refused, not written', async () => {
  const leaking = { ...page, results: [{ ...page.results[0], password_hash: 'argon2id$...' }] };
  const app = await appAnswering(leaking, MessagesPage, 'checked');
  const res = await app.inject('/');
  assert.equal(res.statusCode, 500);
  assert.doesNotMatch(res.body, /argon2id/);
  assert.equal((await (await appAnswering(page, MessagesPage, 'checked')).inject('/')).statusCode, 200);
});

test('checked, an answer of the wrong type or missing a property is refused', async () => {
  const wrongType = { ...page, count: '12' };
  const missing = { ...page, results: [{ ...page.results[0], content: undefined }] };
  for (const body of [wrongType, missing]) {
    const res = await (await appAnswering(body, MessagesPage, 'checked')).inject('/');
    assert.equal(res.statusCode, 500, JSON.stringify(body).slice(0, 80));
  }
});
