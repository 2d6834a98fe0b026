import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const modeOf = (path: string) => statSync(path).mode & 0o777;

/** A temporary folder, removed after the test, with the umask open to everyone while the test runs. */
function openUmask(t: TestContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'private-files-'));
  const previous = process.umask(0);
  t.after(() => {
    process.umask(previous);
    rmSync(folder, { recursive: true, force: true });
  });
  return folder;
}

test('whatever the umask, a new SQLite database is made in folders of its owner only, and its files are read by its owner only', async (t) => {
  const root = openUmask(t);
  const path = join(root, 'made', 'data', 'db.sqlite3');
  const database = openDatabase(`sqlite:${path}`);
  try {
    await migrateToLatest(database);
    await database.db.insertInto('users').values({
      username: 'a', username_lower: 'a', email: 'a@example.com', email_lower: 'a@example.com',
      password_hash: 'x', is_active: 1, date_joined: 0,
    }).execute();
    assert.equal(modeOf(join(root, 'made')).toString(8), '700');
    assert.equal(modeOf(join(root, 'made', 'data')).toString(8), '700');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(modeOf(file).toString(8), '600', file);
  } finally {
    await database.destroy();
  }
});

test('an existing database file readable by others is made its owner\'s only when the service opens it', async (t) => {
  const root = openUmask(t);
  const path = join(root, 'db.sqlite3');
  const first = openDatabase(`sqlite:${path}`);
  await migrateToLatest(first);
  await first.destroy();
  chmodSync(path, 0o644);
  const again = openDatabase(`sqlite:${path}`);
  try {
    await again.db.selectFrom('users').select('id').execute();
    for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(modeOf(file).toString(8), '600', file);
  } finally {
    await again.destroy();
  }
  assert.equal(modeOf(root).toString(8), '700', 'a folder that existed is left as it was (mkdtemp made it 0700)');
});

test('whatever the umask, the secret key is made in a folder of its owner only and read by its owner only', (t) => {
  const root = openUmask(t);
  const folder = join(root, 'fresh');
  loadConfig({ DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}` });
  assert.equal(modeOf(folder).toString(8), '700');
  assert.equal(modeOf(join(folder, 'secret_key')).toString(8), '600');
});

test('a folder that exists already keeps the mode its owner gave it', async (t) => {
  const root = openUmask(t);
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'marker'), '');
  const database = openDatabase(`sqlite:${join(root, 'db.sqlite3')}`);
  await database.destroy();
  assert.equal(modeOf(root).toString(8), '755');
  assert.equal(modeOf(join(root, 'db.sqlite3')).toString(8), '600');
});
