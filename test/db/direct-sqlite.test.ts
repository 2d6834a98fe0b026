import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { directSqliteOf } from '../../src/db/direct-sqlite.js';
import { databaseWithUserQueries } from '../helpers/user-queries.js';

test('a prepared query of the database waits behind an open transaction and never sees its uncommitted rows', async (t) => {
  const { db, insertUser, byName } = await databaseWithUserQueries(t);
  assert.ok(directSqliteOf(db), 'SQLite databases run prepared queries directly');
  let commit!: () => void;
  const gate = new Promise<void>((resolve) => { commit = resolve; });
  let inserted!: () => void;
  const insertDone = new Promise<void>((resolve) => { inserted = resolve; });
  const transaction = db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values({
      username: 'carol', username_lower: 'carol', email: 'c@example.com', email_lower: 'c@example.com',
      password_hash: 'x', is_active: 1, date_joined: 0,
    }).execute();
    inserted();
    await gate;
  });
  await insertDone;
  let answered = false;
  const read = byName.first(db, 'carol').finally(() => { answered = true; });
  const write = insertUser.first(db, 'dave');
  for (let i = 0; i < 5; i += 1) await nextTurn();
  assert.equal(answered, false, 'the read ran inside the open transaction');
  commit();
  await transaction;
  assert.equal((await read)?.username, 'carol');
  assert.ok(await write);
});

test('a transaction let in runs its prepared queries inside itself: it sees its own writes, and they roll back with it', async (t) => {
  const { db, insertUser, byName } = await databaseWithUserQueries(t);
  const direct = directSqliteOf(db)!;
  await assert.rejects(db.transaction().execute((trx) => direct.within(trx, async () => {
    await insertUser.first(trx, 'erin');
    assert.equal((await byName.first(trx, 'erin'))?.username, 'erin');
    throw new Error('roll back');
  })), /roll back/);
  assert.equal(await byName.first(db, 'erin'), undefined);
  // Once its work is over, a transaction is no longer let in.
  const committed = await db.transaction().execute(async (trx) => {
    await direct.within(trx, async () => insertUser.first(trx, 'frank'));
    return byName.first(trx, 'frank');
  });
  assert.equal(committed?.username, 'frank');
});
