import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { signUp } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { closed, connect, listen, nextEvent, pendingEvents, sendFrame } from '../helpers/sockets.js';

const NO_CONVERSATION = 'Typing notices go only to someone you have a conversation with.';
const THROTTLED = 'Too many typing signals; slow down.';

describeEachDatabase('typing notices', (kind) => {
  async function start(t: Parameters<typeof buildTestApp>[0]) {
    const { app } = await buildTestApp(t, kind);
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    return { app, url, alice, bob, carol };
  }

  test('a notice to someone one has no conversation with is refused, and they hear nothing', async (t) => {
    const { url, alice, bob, carol } = await start(t);
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    const aliceSocket = await connect(t, url, { as: alice });
    const carolSocket = await connect(t, url, { as: carol });
    const bobSocket = await connect(t, url, { as: bob });
    sendFrame(aliceSocket, { type: 'typing', to: 'carol' });
    assert.deepEqual(await nextEvent(aliceSocket, 'error'), { type: 'error', detail: NO_CONVERSATION });
    sendFrame(aliceSocket, { type: 'typing', to: 'bob' });
    await nextEvent(bobSocket, 'typing');
    assert.deepEqual(pendingEvents(carolSocket), []);
  });

  test('neither someone who blocked the typist nor someone the typist blocked hears a notice; the typist is not told', async (t) => {
    const { url, alice, bob, carol } = await start(t);
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    await alice.post('/messages/', { recipient: 'carol', content: 'hi' });
    await bob.post('/blocks/', { user: 'alice' });
    await alice.post('/blocks/', { user: 'carol' });
    const aliceSocket = await connect(t, url, { as: alice });
    const bobSocket = await connect(t, url, { as: bob });
    const carolSocket = await connect(t, url, { as: carol });
    sendFrame(aliceSocket, { type: 'typing', to: 'bob' });
    sendFrame(aliceSocket, { type: 'typing', to: 'carol' });
    sendFrame(carolSocket, { type: 'typing', to: 'alice' });
    // A frame answered after all three: an error of its own, and nothing else before it.
    sendFrame(aliceSocket, { type: 'typing', to: 'nobody' });
    assert.equal((await nextEvent(aliceSocket, 'error')).detail, 'No user with this username or email.');
    sendFrame(carolSocket, { type: 'typing', to: 'nobody' });
    assert.equal((await nextEvent(carolSocket, 'error')).detail, 'No user with this username or email.');
    assert.deepEqual([pendingEvents(aliceSocket), pendingEvents(bobSocket), pendingEvents(carolSocket)], [[], [], []]);
  });

  test('a socket that floods frames is told to slow down, and one that keeps sending bad frames is closed with 1008', async (t) => {
    const { url, alice } = await start(t);
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    const flooding = await connect(t, url, { as: alice });
    // 25 typing frames at once: the socket's budget lets 20 through, of which the user's typing limit
    // delivers 10; the last 5 are over the budget.
    for (let i = 0; i < 25; i += 1) sendFrame(flooding, { type: 'typing', to: 'bob' });
    const errors: string[] = [];
    for (let i = 0; i < 15; i += 1) errors.push((await nextEvent(flooding, 'error')).detail!);
    assert.deepEqual(errors.filter((detail) => detail === 'Too many frames; slow down.').length, 5, errors.join(' | '));
    assert.deepEqual(errors.filter((detail) => detail === 'Too many typing signals; slow down.').length, 10, errors.join(' | '));
    assert.equal(flooding.readyState, flooding.OPEN);

    const careless = await connect(t, url, { as: alice });
    for (let i = 0; i < 10; i += 1) sendFrame(careless, 'not json');
    for (let i = 0; i < 10; i += 1) assert.equal((await nextEvent(careless, 'error')).detail, 'Frames are JSON text.');
    assert.equal(careless.readyState, careless.OPEN, 'ten bad frames are answered');
    sendFrame(careless, 'not json');
    assert.deepEqual(await closed(careless), { code: 1008, reason: 'Too many bad frames' });
  });

  test('the typing limit is not reset by closing every socket and opening a new one', async (t) => {
    const { url, alice } = await start(t);
    await alice.post('/messages/', { recipient: 'bob', content: 'hi' });
    const first = await connect(t, url, { as: alice });
    for (let i = 0; i < 10; i += 1) sendFrame(first, { type: 'typing', to: 'bob' });
    sendFrame(first, { type: 'typing', to: 'bob' });
    assert.deepEqual(await nextEvent(first, 'error'), { type: 'error', detail: THROTTLED });
    first.close(1000);
    await closed(first);
    const second = await connect(t, url, { as: alice });
    sendFrame(second, { type: 'typing', to: 'bob' });
    assert.deepEqual(await nextEvent(second, 'error'), { type: 'error', detail: THROTTLED });
  });
});
