import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { commitDurably } from '../../src/db/durable-commit.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { prepareQuery } from '../../src/db/prepared-query.js';
import { type DatabaseKind, describeEachDatabase } from '../helpers/databases.js';
import { databaseWithUserQueries } from '../helpers/user-queries.js';

/** SQLite's value for synchronous=FULL. */
const FULL = 2;

async function usersDatabase(t: TestContext, kind: DatabaseKind) {
  const { testDatabase, db, insertUser } = await databaseWithUserQueries(t, kind);
  const rename = prepareQuery((from: string, to: string) => db.updateTable('users').set({ username: to }).where('username_lower', '=', from));
  const names = async () => (await db.selectFrom('users').select('username').orderBy('username').execute()).map((row) => row.username);
  /** SQLite only: the connection's synchronous setting. */
  const synchronous = async () => (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0].synchronous;
  return { testDatabase, db, insertUser, rename, names, synchronous };
}

describeEachDatabase('a durable commit', (kind) => {
  test('runs its queries in order, as one transaction', async (t) => {
    const { db, insertUser, rename, names } = await usersDatabase(t, kind);
    await commitDurably(db, [insertUser.bound('alice'), rename.bound('alice', 'Alice'), insertUser.bound('bob')]);
    assert.deepEqual(await names(), ['Alice', 'bob']);
  });

  test('that fails changes nothing: the queries before the failing one are rolled back', async (t) => {
    const { db, insertUser, names } = await usersDatabase(t, kind);
    await commitDurably(db, [insertUser.bound('alice')]);
    await assert.rejects(commitDurably(db, [insertUser.bound('bob'), insertUser.bound('alice')]));
    assert.deepEqual(await names(), ['alice']);
    await commitDurably(db, [insertUser.bound('carol')]);
    assert.deepEqual(await names(), ['alice', 'carol'], 'the connection is usable after the failure');
  });
});

test('on SQLite, a durable commit is made at once and waits for the disk off the event loop, with synchronous=FULL kept for every other commit', async (t) => {
  const { testDatabase, db, insertUser, synchronous } = await usersDatabase(t, 'sqlite');
  const other = new SQLite(testDatabase.url.slice('sqlite:'.length), { timeout: 0 });
  t.after(() => other.close());
  const foundElsewhere = (name: string) => other.prepare('select id from users where username_lower = ?').get(name) !== undefined;

  const committing = commitDurably(db, [insertUser.bound('alice')]);
  assert.ok(foundElsewhere('alice'), 'committed before the promise settles: only the flush of the WAL is waited for');
  await committing;
  assert.equal(await synchronous(), FULL);

  await assert.rejects(commitDurably(db, [insertUser.bound('bob'), insertUser.bound('alice')]));
  assert.equal(foundElsewhere('bob'), false);
  assert.equal(await synchronous(), FULL, 'restored after a failed commit too');
});

test('on SQLite, a durable commit asked for while another transaction is open commits on its own, after it', async (t) => {
  const { db, insertUser, names } = await usersDatabase(t, 'sqlite');
  let letGo!: () => void;
  const held = new Promise<void>((resolve) => {
    letGo = resolve;
  });
  let inside!: () => void;
  const opened = new Promise<void>((resolve) => {
    inside = resolve;
  });
  const rolledBack = db.transaction().execute(async (trx) => {
    await insertUser.run(trx, 'alice');
    inside();
    await held;
    throw new Error('rolled back on purpose');
  });
  await opened;
  const committing = commitDurably(db, [insertUser.bound('bob')]);
  letGo();
  await assert.rejects(rolledBack, /on purpose/);
  await committing;
  assert.deepEqual(await names(), ['bob'], 'bob\'s commit did not join the transaction that was rolled back');
});

test('on SQLite, a durable commit that finds the write lock taken fails alone, and leaves synchronous=FULL and the connection usable', async (t) => {
  const { testDatabase, db, insertUser, names, synchronous } = await usersDatabase(t, 'sqlite');
  const other = new SQLite(testDatabase.url.slice('sqlite:'.length));
  t.after(() => other.close());
  await sql`pragma busy_timeout = 0`.execute(db);
  other.exec('begin immediate');
  await assert.rejects(commitDurably(db, [insertUser.bound('alice')]), { code: 'SQLITE_BUSY' });
  other.exec('rollback');
  assert.equal(await synchronous(), FULL);
  await commitDurably(db, [insertUser.bound('bob')]);
  assert.deepEqual(await names(), ['bob']);
});

test('on SQLite, a commit whose WAL cannot be flushed is not acknowledged, and the database is closed for good', async (t) => {
  const { testDatabase, db, insertUser, names } = await usersDatabase(t, 'sqlite');
  // The migrations wrote to the WAL; without its name in the directory it cannot be opened to be flushed.
  rmSync(`${testDatabase.url.slice('sqlite:'.length)}-wal`);
  // Both committed before either flush: the second waits for the flush after the first, which must not run.
  const first = commitDurably(db, [insertUser.bound('alice')]);
  const second = commitDurably(db, [insertUser.bound('bob')]);
  await assert.rejects(first, /must be restarted/);
  await assert.rejects(second, /must be restarted/);
  await assert.rejects(names(), 'no statement runs on the connection any more');
  await assert.rejects(commitDurably(db, [insertUser.bound('carol')]));
});

test('on SQLite, durable commits made at once share the flushes of the WAL, and each is answered once its own is done', async (t) => {
  const { db, insertUser, names } = await usersDatabase(t, 'sqlite');
  const users = Array.from({ length: 20 }, (_, i) => `user${String(i).padStart(2, '0')}`);
  await Promise.all(users.map((name) => commitDurably(db, [insertUser.bound(name)])));
  assert.deepEqual(await names(), users);
});

test('on SQLite, the WAL flushed is the one beside the file a symbolic link names, where SQLite keeps it', async (t) => {
  const folder = mkdtempSync(join(tmpdir(), 'durable-commit-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  const linked = join(folder, 'linked.sqlite3');
  symlinkSync(join(folder, 'real.sqlite3'), linked);
  const database = openDatabase(`sqlite:${linked}`);
  t.after(() => database.destroy());
  await migrateToLatest(database);
  await commitDurably(database.db, [database.db.insertInto('users').values({
    username: 'alice', username_lower: 'alice', email: 'alice@example.com', email_lower: 'alice@example.com',
    password_hash: 'x', is_active: 1, date_joined: 0,
  }).compile()]);
  assert.equal((await database.db.selectFrom('users').select('username').execute()).length, 1);
});
