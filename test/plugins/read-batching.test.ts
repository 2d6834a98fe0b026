import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { signUp } from '../helpers/client.js';

/** The app, with each request's handling and sending written down in order. */
async function observedApp(t: Parameters<typeof buildTestApp>[0]) {
  const { app } = await buildTestApp(t, 'sqlite');
  const events: string[] = [];
  const name = (req: { method: string; url: string }) => `${req.method} ${req.url}`;
  app.addHook('preSerialization', (req, _reply, payload, done) => {
    events.push(`answered ${name(req)}`);
    done(null, payload);
  });
  app.addHook('onResponse', (req, _reply, done) => {
    events.push(`sent ${name(req)}`);
    done();
  });
  return { app, events };
}

test('answers to reads made in one turn are all written after the last of them is ready', async (t) => {
  const { app, events } = await observedApp(t);
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  events.length = 0;

  const [me, list, page] = await Promise.all([alice.get('/me/'), alice.get('/users-list/'), alice.get('/list-messages/bob/')]);
  assert.deepEqual([me.statusCode, list.statusCode, page.statusCode], [200, 200, 200]);
  assert.equal(me.json().username, 'alice');
  assert.deepEqual(list.json().results.map((user: { username: string }) => user.username), ['bob']);

  const lastAnswered = events.map((event) => event.startsWith('answered')).lastIndexOf(true);
  const firstSent = events.findIndex((event) => event.startsWith('sent'));
  assert.equal(events.length, 6, events.join('\n'));
  assert.ok(lastAnswered < firstSent, events.join('\n'));
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
