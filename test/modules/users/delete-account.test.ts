import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../../helpers/app.js';
import { issueToken, passwordFor, register, signUp, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { closed, connect, listen } from '../../helpers/sockets.js';
import { createAccountsService, DeletedAccountError } from '../../../src/modules/users/accounts.service.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';

describeEachDatabase('DELETE /me/', (kind) => {
  test('without the password, or with a wrong one, it is refused and changes nothing', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const missing = await alice.request('DELETE', '/me/', {});
    assert.equal(missing.statusCode, 400);
    assert.deepEqual(missing.json(), { password: ['This field is required.'] });
    const wrong = await alice.request('DELETE', '/me/', { password: 'not the password' });
    assert.equal(wrong.statusCode, 400);
    assert.deepEqual(wrong.json(), { password: ['Your password was entered incorrectly.'] });
    assert.equal((await alice.get('/me/')).json().username, 'alice');
    assert.equal((await new TestClient(app).login('alice')).statusCode, 200);
  });

  test('with the password it ends every session, token and socket, and frees the username and the address', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const url = await listen(app);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const laptop = new TestClient(app);
    await laptop.login('alice');
    const token = await issueToken(app, 'alice');
    const socket = await connect(t, url, { as: laptop });
    const tokenSocket = await connect(t, url, { token });
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'before I go' })).json();
    await bob.post('/messages/', { recipient: 'alice', content: 'see you' });

    const res = await alice.request('DELETE', '/me/', { password: passwordFor('alice') });
    assert.equal(res.statusCode, 204, res.body);
    assert.equal(alice.cookies.size, 0, 'the cookies are cleared');
    assert.deepEqual(await closed(socket), { code: 4001, reason: 'Session ended' });
    assert.equal((await closed(tokenSocket)).code, 4001);
    assert.equal((await laptop.get('/me/')).statusCode, 403);
    assert.equal((await app.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } })).statusCode, 401);
    assert.equal((await new TestClient(app).login('alice')).statusCode, 401, 'nobody logs in as the deleted account');

    const row = await testDatabase.database.db.selectFrom('users').selectAll().where('id', '=', sent.sender).executeTakeFirstOrThrow();
    assert.equal(row.username, `deleted-${sent.sender}`);
    assert.equal(row.email, `deleted-${sent.sender}@deleted.invalid`);
    assert.equal(row.password_hash, '');
    assert.equal(Number(row.is_active), 0);
    const again = await register(app, 'alice');
    assert.equal(again.email, 'alice@example.com', 'the username and the address are free');
    assert.notEqual(again.id, sent.sender);
  });

  test('the peers keep their conversation, with the deleted user shown as a placeholder they can no longer write to', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const sent = (await alice.post('/messages/', { recipient: 'bob', content: 'before I go' })).json();
    await bob.post('/blocks/', { user: 'alice' });
    assert.equal((await alice.request('DELETE', '/me/', { password: passwordFor('alice') })).statusCode, 204);

    const placeholder = `deleted-${sent.sender}`;
    const inbox = (await bob.get('/conversations/')).json().results;
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0].peer.username, placeholder);
    assert.equal(inbox[0].last_message.sender_username, placeholder);
    assert.equal(inbox[0].last_message.content, 'before I go');
    const history = await bob.get(`/list-messages/${placeholder}/`);
    assert.equal(history.statusCode, 200);
    assert.deepEqual(history.json().results.map((message: { content: string }) => message.content), ['before I go']);
    assert.equal((await bob.get('/list-messages/alice/')).statusCode, 404, 'the old name is no one\'s');
    assert.equal((await bob.get('/users-list/')).json().count, 0);
    assert.equal((await bob.get('/blocks/')).json().count, 0, 'blocks of and by the account are gone');
    const write = await bob.post('/messages/', { recipient: placeholder, content: 'hello?' });
    assert.equal(write.statusCode, 400);
    const accounts = createAccountsService({ users: createUsersRepository(testDatabase.database.db) });
    await assert.rejects(accounts.activate(placeholder), DeletedAccountError, 'an administrator cannot bring it back');
    assert.equal((await bob.get('/users-list/')).json().count, 0);
  });

  test('the names and addresses deleted accounts go by cannot be registered', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const attempt = (username: string, email: string) => app.inject({ method: 'POST', url: '/register/',
      payload: { username, email, password: 'pw-long-enough-for-this' } });
    const byName = await attempt('Deleted-42', 'someone@example.com');
    assert.equal(byName.statusCode, 400);
    assert.deepEqual(byName.json(), { username: ['This username is reserved.'] });
    const byAddress = await attempt('someone', 'deleted-42@Deleted.Invalid');
    assert.equal(byAddress.statusCode, 400);
    assert.deepEqual(byAddress.json(), { email: ['This email address is reserved.'] });
    assert.equal((await attempt('deleted-user', 'deleted@example.com')).statusCode, 201, 'other names are free');
  });

  test('wrong passwords count against the account as failed logins do', async (t) => {
    const { app } = await buildTestApp(t, kind, { RATE_LIMITS: 'on' });
    const alice = await signUp(app, 'alice');
    // A username in the body names no other account to count the guesses against.
    for (let i = 0; i < 5; i += 1) {
      assert.equal((await alice.request('DELETE', '/me/', { password: `guess ${i}`, username: `someone${i}` })).statusCode, 400);
    }
    assert.equal((await alice.request('DELETE', '/me/', { password: passwordFor('alice') })).statusCode, 429);
    assert.equal((await alice.get('/me/')).statusCode, 200);
  });
});
