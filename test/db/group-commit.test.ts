import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupCommit, transactionPerUnit } from '../../src/db/group-commit.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTestDatabase } from '../helpers/databases.js';

async function sqliteWithUsers(t: import('node:test').TestContext) {
  const testDatabase = await createTestDatabase('sqlite');
  t.after(() => testDatabase.drop());
  await migrateToLatest(testDatabase.database);
  return testDatabase.database.db;
}

const newUser = (name: string) => ({
  username: name, username_lower: name, email: `${name}@example.com`, email_lower: `${name}@example.com`,
  password_hash: 'x', is_active: 1, date_joined: 0,
});

test('concurrent units share commits, and each is answered after its commit', async (t) => {
  const db = await sqliteWithUsers(t);
  const runner = groupCommit(db, { maxWaitMs: 5, maxBatch: 64 });
  const ids = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    runner.run((trx) => trx.insertInto('users').values(newUser(`u${i}`)).returning('id').executeTakeFirstOrThrow())));
  assert.equal(new Set(ids.map((row) => row.id)).size, 40);
  const stored = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(stored.n), 40);
  assert.equal(runner.stats.units, 40);
  assert.ok(runner.stats.batches < 40, `40 units took ${runner.stats.batches} commits`);
});

test('a failing unit fails alone: the others in its batch commit', async (t) => {
  const db = await sqliteWithUsers(t);
  const runner = groupCommit(db, { maxWaitMs: 5, maxBatch: 64 });
  const results = await Promise.allSettled([
    runner.run((trx) => trx.insertInto('users').values(newUser('first')).execute()),
    runner.run(async (trx) => {
      await trx.insertInto('users').values(newUser('half-done')).execute();
      await trx.insertInto('users').values(newUser('first')).execute(); // unique violation
    }),
    runner.run((trx) => trx.insertInto('users').values(newUser('third')).execute()),
  ]);
  assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled']);
  assert.equal(runner.stats.batches, 1);
  const names = (await db.selectFrom('users').select('username').orderBy('username').execute()).map((row) => row.username);
  assert.deepEqual(names, ['first', 'third'], 'the failed unit left nothing behind, not even its first insert');
});

test('a full batch commits without waiting for the timer', async (t) => {
  const db = await sqliteWithUsers(t);
  const runner = groupCommit(db, { maxWaitMs: 60_000, maxBatch: 4 });
  await Promise.all(Array.from({ length: 8 }, (_, i) =>
    runner.run((trx) => trx.insertInto('users').values(newUser(`v${i}`)).execute())));
  assert.equal(runner.stats.batches, 2);
  assert.equal(runner.stats.largestBatch, 4);
});

test('settle commits the units waiting for their batch at once, and waits for the commit', async (t) => {
  const db = await sqliteWithUsers(t);
  const runner = groupCommit(db, { maxWaitMs: 60_000, maxBatch: 64 });
  const settled: string[] = [];
  const units = ['w1', 'w2', 'w3'].map((name) =>
    runner.run((trx) => trx.insertInto('users').values(newUser(name)).execute()).then(() => settled.push(name)));
  await runner.settle();
  assert.equal(runner.stats.batches, 1);
  await Promise.all(units);
  assert.deepEqual(settled.sort(), ['w1', 'w2', 'w3']);
  const stored = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(stored.n), 3);
  await runner.settle(); // nothing waiting: settles at once
});

test('settle without group commit waits for the transactions under way', async (t) => {
  const db = await sqliteWithUsers(t);
  const runner = transactionPerUnit(db);
  let committed = false;
  const unit = runner.run(async (trx) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    await trx.insertInto('users').values(newUser('slow')).execute();
  }).then(() => { committed = true; });
  await runner.settle();
  assert.equal(committed, true);
  await unit;
});
