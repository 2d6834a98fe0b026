import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

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
});
