import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, register, signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { closed, connect, listen } from '../../helpers/sockets.js';
import { SESSIONS_PER_USER } from '../../../src/modules/auth/auth.service.js';

describeEachDatabase('sessions', (kind) => {
  test('login sets sessionid and csrftoken cookies and returns the token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    assert.ok(alice.cookies.get('sessionid'));
    assert.match(alice.cookies.get('csrftoken')!, /^[a-zA-Z0-9]{32}$/);
    assert.match(alice.csrfToken!, /^[a-zA-Z0-9]{64}$/);
  });

  test('only a hash of the session id is stored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const rows = await testDatabase.database.db.selectFrom('sessions').select('id_hash').execute();
    assert.equal(rows.length, 1);
    assert.notEqual(rows[0].id_hash, alice.cookies.get('sessionid'));
  });

  test('logging out deletes the session on the server', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const stolenCookie = `sessionid=${alice.cookies.get('sessionid')}`;
    const logout = await alice.get('/logout/');
    assert.equal(logout.statusCode, 200);
    assert.deepEqual(logout.json(), { detail: 'Logged out.' });
    const replay = await new TestClient(app).get('/users-list/', { cookie: stolenCookie });
    assert.equal(replay.statusCode, 403);
    assert.deepEqual(replay.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('a user holds at most 20 sessions: a login past them ends the oldest, and closes its sockets', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const url = await listen(app);
    await register(app, 'alice');
    const clients: TestClient[] = [];
    for (let i = 0; i < SESSIONS_PER_USER; i += 1) {
      const client = new TestClient(app);
      assert.equal((await client.login('alice')).statusCode, 200);
      clients.push(client);
    }
    const oldestSocket = await connect(t, url, { as: clients[0] });
    const newest = new TestClient(app);
    assert.equal((await newest.login('alice')).statusCode, 200);
    assert.deepEqual(await closed(oldestSocket), { code: 4001, reason: 'Session ended' });
    assert.equal((await clients[0].get('/users-list/')).statusCode, 403, 'the oldest session ended');
    for (const client of [...clients.slice(1), newest]) assert.equal((await client.get('/users-list/')).statusCode, 200);
    const { count } = await testDatabase.database.db.selectFrom('sessions')
      .select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    assert.equal(Number(count), SESSIONS_PER_USER);
  });
});
