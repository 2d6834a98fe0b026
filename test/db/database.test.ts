import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest, migrateUpTo } from '../../src/db/migrate.js';
import { createTestDatabase, describeEachDatabase, testDatabaseKinds, whileNoSchemaIsDropped } from '../helpers/databases.js';
import { assertDatabaseConsistent } from '../helpers/invariants.js';

const run = promisify(execFile);

test('SQLite runs in WAL mode with synchronous=FULL and foreign keys on', async (t) => {
  const database = openDatabase(`sqlite:${join(mkdtempSync(join(tmpdir(), 'messaging-db-')), 'db.sqlite3')}`);
  t.after(() => database.destroy());
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`pragma ${name}`).execute(database.db)).rows[0] as object)[0];
  assert.equal(await pragma('journal_mode'), 'wal');
  assert.equal(await pragma('synchronous'), 2, 'FULL is 2');
  assert.equal(await pragma('foreign_keys'), 1);
});

test('npm run migrate creates the schema at DATABASE_URL and then has nothing to do', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'messaging-migrate-'));
  const env = { ...process.env, DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}`, SECRET_KEY: '' };
  const first = await run(process.execPath, ['--import', 'tsx', 'src/migrate.ts'], { env });
  assert.match(first.stdout, /Applied: 0001_initial, 0002_inbox_blocks_tokens, 0003_active_user_count, 0004_credential_notices, 0005_active_users_by_name, 0006_messages_autovacuum/);
  const second = await run(process.execPath, ['--import', 'tsx', 'src/migrate.ts'], { env });
  assert.match(second.stdout, /Already up to date/);
  assert.equal(existsSync(join(folder, 'secret_key')), false, 'migrating needs no secret key, so makes none');
});

describeEachDatabase('migrations', (kind) => {
  test('running them twice applies each once', async (t) => {
    const testDatabase = await createTestDatabase(kind);
    t.after(() => testDatabase.drop());
    const migrate = () => whileNoSchemaIsDropped(kind, () => migrateToLatest(testDatabase.database));
    assert.deepEqual(await migrate(), ['0001_initial', '0002_inbox_blocks_tokens', '0003_active_user_count', '0004_credential_notices', '0005_active_users_by_name', '0006_messages_autovacuum']);
    assert.deepEqual(await migrate(), []);
  });

  test('a migration that fails halfway leaves nothing behind, and runs once its obstacle is gone', async (t) => {
    const testDatabase = await createTestDatabase(kind);
    t.after(() => testDatabase.drop());
    const { database } = testDatabase;
    await whileNoSchemaIsDropped(kind, () => migrateUpTo(database, '0001_initial'));
    // 0002 adds a column to conversation_members, then creates blocks: which already exists, so it fails there.
    await sql`create table blocks (x integer)`.execute(database.db);
    await assert.rejects(whileNoSchemaIsDropped(kind, () => migrateToLatest(database)));
    await sql`drop table blocks`.execute(database.db);
    assert.deepEqual(await whileNoSchemaIsDropped(kind, () => migrateToLatest(database)),
      ['0002_inbox_blocks_tokens', '0003_active_user_count', '0004_credential_notices', '0005_active_users_by_name', '0006_messages_autovacuum']);
    await assertDatabaseConsistent(database.db);
  });

  test('the active-user total starts from the users a database already holds', async (t) => {
    const testDatabase = await createTestDatabase(kind);
    t.after(() => testDatabase.drop());
    const { database } = testDatabase;
    await whileNoSchemaIsDropped(kind, () => migrateUpTo(database, '0002_inbox_blocks_tokens'));
    const user = (name: string, active: number) => ({
      username: name, username_lower: name, email: `${name}@example.com`, email_lower: `${name}@example.com`,
      password_hash: 'x', is_active: active, date_joined: 0,
    });
    await database.db.insertInto('users').values([user('a', 1), user('b', 0), user('c', 1)]).execute();
    assert.deepEqual(await whileNoSchemaIsDropped(kind, () => migrateToLatest(database)), ['0003_active_user_count', '0004_credential_notices', '0005_active_users_by_name', '0006_messages_autovacuum']);
    const total = await database.db.selectFrom('user_totals').select('active_users').executeTakeFirstOrThrow();
    assert.equal(Number(total.active_users), 2);
    await database.db.insertInto('users').values(user('d', 1)).execute();
    await assertDatabaseConsistent(database.db);
  });
});

test('on PostgreSQL, migrations analyze the tables that hold rows and leave empty ones to be estimated from their size',
  { skip: !testDatabaseKinds().includes('postgres') && 'TEST_DATABASE_URL is not set' }, async (t) => {
    const testDatabase = await createTestDatabase('postgres');
    t.after(() => testDatabase.drop());
    const { database } = testDatabase;
    await whileNoSchemaIsDropped('postgres', () => migrateUpTo(database, '0004_credential_notices'));
    await database.db.insertInto('users').values({
      username: 'a', username_lower: 'a', email: 'a@example.com', email_lower: 'a@example.com',
      password_hash: 'x', is_active: 1, date_joined: 0,
    }).execute();
    await whileNoSchemaIsDropped('postgres', () => migrateToLatest(database));
    // reltuples is -1 until a table is first analyzed (or vacuumed).
    const { rows } = await sql<{ relname: string; reltuples: number }>`select relname, reltuples from pg_class
      where relnamespace = ${testDatabase.searchPath}::regnamespace and relname in ('users', 'messages', 'conversations')
      order by relname`.execute(database.db);
    assert.deepEqual(rows.map((row) => [row.relname, Number(row.reltuples)]), [['conversations', -1], ['messages', -1], ['users', 1]]);
  });

test('on PostgreSQL, autovacuum visits the messages table once 2 % of it changed, so that old text does not linger',
  { skip: !testDatabaseKinds().includes('postgres') && 'TEST_DATABASE_URL is not set' }, async (t) => {
    const testDatabase = await createTestDatabase('postgres');
    t.after(() => testDatabase.drop());
    await whileNoSchemaIsDropped('postgres', () => migrateToLatest(testDatabase.database));
    const { rows } = await sql<{ reloptions: string[] }>`select reloptions from pg_class
      where relnamespace = ${testDatabase.searchPath}::regnamespace and relname = 'messages'`.execute(testDatabase.database.db);
    assert.deepEqual([...rows[0].reloptions].sort(), [
      'autovacuum_analyze_scale_factor=0.02', 'autovacuum_vacuum_insert_scale_factor=0.02',
      'autovacuum_vacuum_scale_factor=0.02', 'autovacuum_vacuum_threshold=50',
    ]);
  });
