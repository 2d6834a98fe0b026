import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { signUp } from '../helpers/client.js';

/** The app, with each request's answer being made and being written to its connection noted down in order. */
async function observedApp(t: Parameters<typeof buildTestApp>[0]) {
  const { app } = await buildTestApp(t, 'sqlite');
  const events: string[] = [];
  const name = (req: { method: string; url: string }) => `${req.method} ${req.url}`;
  app.addHook('onRequest', (req, reply, done) => {
    const end = reply.raw.end.bind(reply.raw) as (...args: unknown[]) => unknown;
    (reply.raw as { end: unknown }).end = (...args: unknown[]) => {
      events.push(`sent ${name(req)}`);
      return end(...args);
    };
    done();
  });
  app.addHook('preSerialization', (req, _reply, payload, done) => {
    events.push(`answered ${name(req)}`);
    done(null, payload);
  });
  return { app, events };
}

test('answers to reads made in one turn are all written after the last of them is ready', async (t) => {
  const { app, events } = await observedApp(t);
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  events.length = 0;

  const [me, list, page, head, missing] = await Promise.all([alice.get('/me/'), alice.get('/users-list/'),
    alice.get('/list-messages/bob/'), alice.request('HEAD', '/me/'), alice.get('/no-such-page/')]);
  assert.deepEqual([me.statusCode, list.statusCode, page.statusCode, head.statusCode, missing.statusCode], [200, 200, 200, 200, 404]);
  assert.equal(me.json().username, 'alice');
  assert.deepEqual(list.json().results.map((user: { username: string }) => user.username), ['bob']);
  assert.equal(head.body, '');

  const lastAnswered = events.map((event) => event.startsWith('answered')).lastIndexOf(true);
  const firstSent = events.findIndex((event) => event.startsWith('sent'));
  assert.equal(events.filter((event) => event.startsWith('sent')).length, 5, events.join('\n'));
  assert.ok(lastAnswered >= 2 && lastAnswered < firstSent, events.join('\n'));
});

test('answers to other methods are written at once, ahead of reads still waiting for their turn to end', async (t) => {
  const { app, events } = await observedApp(t);
  const alice = await signUp(app, 'alice');
  events.length = 0;

  const [read, missing] = await Promise.all([alice.get('/me/'), alice.delete('/messages/999999/')]);
  assert.equal(read.statusCode, 200);
  assert.equal(missing.statusCode, 404);
  assert.ok(events.indexOf('answered GET /me/') < events.indexOf('answered DELETE /messages/999999/'), events.join('\n'));
  assert.ok(events.indexOf('sent DELETE /messages/999999/') < events.indexOf('sent GET /me/'), events.join('\n'));
});
