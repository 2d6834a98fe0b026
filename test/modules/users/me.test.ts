import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { issueToken, register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

describeEachDatabase('GET /me/', (kind) => {
  test('with a session it is the logged-in user', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/me/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), alice.user);
  });

  test('with an API token it is the token\'s user', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const bob = await register(app, 'bob');
    const token = await issueToken(app, 'bob');
    const res = await app.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), bob);
  });

  test('an anonymous caller gets 403', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get('/me/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('after logging out it is anonymous again', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await alice.get('/logout/');
    assert.equal((await alice.get('/me/')).statusCode, 403);
  });
});
