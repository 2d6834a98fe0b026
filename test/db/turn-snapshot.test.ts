import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import SQLite from 'better-sqlite3';
import { databaseWithUserQueries } from '../helpers/user-queries.js';

async function sqlite(t: TestContext) {
  const { testDatabase, db, insertUser, byName } = await databaseWithUserQueries(t);
  // Another process's connection to the same file.
  const other = new SQLite(testDatabase.url.slice('sqlite:'.length), { timeout: 0 });
  t.after(() => other.close());
  const insertElsewhere = (name: string) => other.prepare(`insert into users
    (username, username_lower, email, email_lower, password_hash, is_active, date_joined)
    values (?, ?, ?, ?, 'x', 1, 0)`).run(name, name, `${name}@example.com`, `${name}@example.com`);
  const foundElsewhere = (name: string) => other.prepare('select id from users where username_lower = ?').get(name) !== undefined;
  /** Whether a checkpoint could empty the WAL, which it can only while no connection reads from it. */
  const truncateWalElsewhere = () => (other.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0].busy === 0;
  return { db, insertUser, byName, insertElsewhere, foundElsewhere, truncateWalElsewhere };
}

test('the reads of one turn see the database as it was at the first of them; the next turn sees what was committed since', async (t) => {
  const { db, byName, insertElsewhere } = await sqlite(t);
  assert.equal(await byName.first(db, 'alice'), undefined);
  // The other connection is not held up by the open read: WAL readers never block a writer.
  insertElsewhere('alice');
  assert.equal(await byName.first(db, 'alice'), undefined, 'a read later in the same turn shares the first one\'s snapshot');
  await nextTurn();
  assert.equal((await byName.first(db, 'alice'))?.username, 'alice');
});

test('a write ends the turn\'s read transaction: it is committed when it answers, and the reads after it see it', async (t) => {
  const { db, insertUser, byName, insertElsewhere, foundElsewhere } = await sqlite(t);
  assert.equal(await byName.first(db, 'bob'), undefined);
  insertElsewhere('carol');
  assert.ok(await insertUser.first(db, 'bob'));
  assert.ok(foundElsewhere('bob'), 'the write is committed, for every connection to see, before it is answered');
  assert.equal((await byName.first(db, 'bob'))?.username, 'bob');
  assert.equal((await byName.first(db, 'carol'))?.username, 'carol', 'the reads after the write take a new snapshot');
});

test('what runs through Kysely, a transaction too, ends the turn\'s read transaction first', async (t) => {
  const { db, byName, insertElsewhere, foundElsewhere } = await sqlite(t);
  assert.equal(await byName.first(db, 'dave'), undefined);
  insertElsewhere('dave');
  const seen = await db.selectFrom('users').select('username').where('username_lower', '=', 'dave').executeTakeFirst();
  assert.equal(seen?.username, 'dave');

  assert.equal(await byName.first(db, 'erin'), undefined);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('users').values({
      username: 'erin', username_lower: 'erin', email: 'erin@example.com', email_lower: 'erin@example.com',
      password_hash: 'x', is_active: 1, date_joined: 0,
    }).execute();
  });
  assert.ok(foundElsewhere('erin'));
  assert.equal((await byName.first(db, 'erin'))?.username, 'erin');
});

test('the turn\'s read transaction ends with the turn', async (t) => {
  const { db, byName, insertElsewhere, truncateWalElsewhere } = await sqlite(t);
  insertElsewhere('frank');
  assert.equal((await byName.first(db, 'frank'))?.username, 'frank');
  assert.equal(truncateWalElsewhere(), false, 'a read of this turn holds its snapshot');
  await nextTurn();
  assert.equal(truncateWalElsewhere(), true, 'no read holds the WAL once the turn is over');
});
