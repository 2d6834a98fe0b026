import assert from 'node:assert/strict';
import { test } from 'node:test';
import { migrateToLatest } from '../../src/db/migrate.js';
import { prepareQuery } from '../../src/db/prepared-query.js';
import { createTestDatabase, describeEachDatabase, whileNoSchemaIsDropped } from '../helpers/databases.js';

describeEachDatabase('prepared queries', (kind) => {
  test('bind each run\'s arguments where the placeholders stood, beside constants built in', async (t) => {
    const { database, drop } = await createTestDatabase(kind);
    t.after(drop);
    await whileNoSchemaIsDropped(kind, () => migrateToLatest(database));
    const { db } = database;

    let builds = 0;
    const insertUser = prepareQuery((username: string, email: string, at: number) => {
      builds += 1;
      return db.insertInto('users').values({
        username, username_lower: username, email, email_lower: email,
        password_hash: 'x', is_active: 1, date_joined: at,
      }).returning('id');
    });
    const activeByName = prepareQuery((username: string) => db.selectFrom('users')
      .select(['id', 'username', 'date_joined']).where('is_active', '=', 1).where('username_lower', '=', username));
    const deactivate = prepareQuery((id: number) => db.updateTable('users').set({ is_active: 0 }).where('id', '=', id));

    const alice = await insertUser.first(db, 'alice', 'alice@example.com', 1000);
    const bob = await db.transaction().execute((trx) => insertUser.first(trx, 'bob', 'bob@example.com', 2000));
    assert.equal(builds, 1);
    assert.deepEqual(await activeByName.all(db, 'alice'), [{ id: alice!.id, username: 'alice', date_joined: 1000 }]);
    assert.deepEqual(await activeByName.first(db, 'bob'), { id: bob!.id, username: 'bob', date_joined: 2000 });
    assert.equal(await activeByName.first(db, 'carol'), undefined);

    assert.equal(await deactivate.run(db, bob!.id), 1);
    assert.equal(await deactivate.run(db, 999_999), 0);
    assert.equal(await activeByName.first(db, 'bob'), undefined);
  });
});
