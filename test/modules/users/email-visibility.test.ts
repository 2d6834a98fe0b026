import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { connect, listen, nextEvent, pendingEvents, sendFrame } from '../../helpers/sockets.js';

const BOB_EMAIL = 'bob@example.com';

describeEachDatabase('email addresses', (kind) => {
  test('by default another user\'s email appears in no list, inbox, block, message or socket event', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const aliceSocket = await connect(t, url, { as: alice });

    // Bob writes to Alice, edits, marks read, types; Alice answers, blocks and lists.
    const sent = (await bob.post('/messages/', { recipient: 'alice', content: 'hello' })).json();
    await bob.patch(`/messages/${sent.id}/`, { content: 'hello again' });
    const reply = (await alice.post('/messages/', { recipient: 'bob', content: 'hi bob' })).json();
    await bob.post('/conversations/alice/read/', { up_to: reply.id });
    const bobSocket = await connect(t, url, { as: bob });
    sendFrame(bobSocket, { type: 'typing', to: 'alice' });
    await nextEvent(aliceSocket, 'typing');
    const answers = [
      JSON.stringify(sent),
      JSON.stringify(reply),
      (await alice.get('/users-list/')).body,
      (await alice.get('/users-list/?search=bob')).body,
      (await alice.get('/conversations/')).body,
      (await alice.get('/list-messages/bob/')).body,
      (await alice.get(`/list-messages/bob/?after=0`)).body,
      (await alice.get('/messages/')).body,
      (await alice.get(`/messages/${sent.id}/`)).body,
      (await alice.post('/blocks/', { user: 'bob' })).body,
      (await alice.get('/blocks/')).body,
    ];
    for (const body of answers) assert.ok(!body.includes(BOB_EMAIL), body);
    const events = pendingEvents(aliceSocket);
    assert.ok(events.length >= 4, JSON.stringify(events));
    for (const event of events) assert.ok(!JSON.stringify(event).includes(BOB_EMAIL), JSON.stringify(event));
    assert.equal((await alice.get('/conversations/')).json().results[0].peer.email, null);
  });

  test('one\'s own email still appears in /me/, the register and login answers and one\'s notes to oneself', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const bob = await signUp(app, 'bob');
    assert.equal(bob.user.email, BOB_EMAIL, 'the login answer');
    assert.equal((await bob.get('/me/')).json().email, BOB_EMAIL);
    const registered = await app.inject({ method: 'POST', url: '/register/', payload: { username: 'carol', email: 'carol@example.com', password: 'pw-carol-long-enough' } });
    assert.equal(registered.json().email, 'carol@example.com');
    await bob.post('/messages/', { recipient: 'bob', content: 'a note' });
    assert.equal((await bob.get('/conversations/')).json().results[0].peer.email, BOB_EMAIL);
  });

  test('someone who knows the address still sends to it and reads the history by it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const sent = await alice.post('/messages/', { recipient: BOB_EMAIL, content: 'by address' });
    assert.equal(sent.statusCode, 201, sent.body);
    const history = await alice.get(`/list-messages/${BOB_EMAIL}/`);
    assert.equal(history.statusCode, 200);
    assert.equal(history.json().results[0].content, 'by address');
    assert.ok(!history.body.includes(BOB_EMAIL));
  });

  test('with EMAIL_VISIBILITY=everyone the lists, the inbox and blocks show it, as the original service did', async (t) => {
    const { app } = await buildTestApp(t, kind, { EMAIL_VISIBILITY: 'everyone' });
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    await alice.post('/messages/', { recipient: 'bob', content: 'hello' });
    assert.equal((await alice.get('/users-list/')).json().results[0].email, BOB_EMAIL);
    assert.equal((await alice.get('/conversations/')).json().results[0].peer.email, BOB_EMAIL);
    assert.equal((await alice.post('/blocks/', { user: 'bob' })).json().user.email, BOB_EMAIL);
    assert.equal((await alice.get('/blocks/')).json().results[0].user.email, BOB_EMAIL);
  });
});

test('EMAIL_VISIBILITY takes nobody or everyone, and nothing else', async (t) => {
  await assert.rejects(buildTestApp(t, 'sqlite', { EMAIL_VISIBILITY: 'friends' }), /EMAIL_VISIBILITY must be one of nobody, everyone/);
});
