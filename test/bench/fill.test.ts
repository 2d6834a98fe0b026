import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DatabaseNotEmptyError, fillDatabase } from '../../bench/fill-database.js';
import { buildAppOn } from '../helpers/app.js';
import { TestClient } from '../helpers/client.js';
import { createTestDatabase, describeEachDatabase } from '../helpers/databases.js';
import { assertDatabaseConsistent } from '../helpers/invariants.js';

const USERS = 12;
const MESSAGES = 600;

describeEachDatabase('npm run fill', (kind) => {
  test('fills users who can log in and consistent conversations, a tenth of the messages between user1 and user2', async (t) => {
    const testDatabase = await createTestDatabase(kind);
    t.after(() => testDatabase.drop());
    const target = { url: testDatabase.url, searchPath: testDatabase.searchPath };
    const result = await fillDatabase(target, { users: USERS, messages: MESSAGES });
    assert.ok(result.plan.featuredMessageIds.length >= MESSAGES / 10);

    const { db } = testDatabase.database;
    await assertDatabaseConsistent(db);
    const count = async (table: 'users' | 'messages') =>
      Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    assert.equal(await count('users'), USERS);
    assert.equal(await count('messages'), MESSAGES);

    const { app } = await buildAppOn(kind, testDatabase);
    t.after(() => app.close());
    const user1 = new TestClient(app);
    assert.equal((await user1.login('user1', 'password-user1')).statusCode, 200);
    const history = await user1.get('/list-messages/user2/?page_size=5');
    assert.equal(history.statusCode, 200);
    assert.equal(history.json().count, result.plan.featuredMessageIds.length);
    assert.equal((await user1.get('/users-list/')).json().count, USERS - 1);
    const inbox = (await user1.get('/conversations/')).json() as { results: { peer: { username: string }; message_count: number }[] };
    const withUser2 = inbox.results.find((entry) => entry.peer.username === 'user2');
    assert.equal(withUser2?.message_count, result.plan.featuredMessageIds.length);
    assert.equal((await new TestClient(app).login(`user${USERS}`, `password-user${USERS}`)).statusCode, 200);

    await assert.rejects(fillDatabase(target, { users: 2, messages: 0 }), DatabaseNotEmptyError);
  });
});
