import type { TestContext } from 'node:test';
import { migrateToLatest } from '../../src/db/migrate.js';
import { prepareQuery } from '../../src/db/prepared-query.js';
import { createTestDatabase, type TestDatabase } from './databases.js';

/** A migrated SQLite test database, and two prepared queries on its users: an insert and a lookup by name. */
export async function sqliteWithUserQueries(t: TestContext) {
  const testDatabase: TestDatabase = await createTestDatabase('sqlite');
  t.after(() => testDatabase.drop());
  await migrateToLatest(testDatabase.database);
  const { db } = testDatabase.database;
  const insertUser = prepareQuery((name: string) => db.insertInto('users').values({
    username: name, username_lower: name, email: `${name}@example.com`, email_lower: `${name}@example.com`,
    password_hash: 'x', is_active: 1, date_joined: 0,
  }).returning('id'));
  const byName = prepareQuery((name: string) => db.selectFrom('users').select(['id', 'username']).where('username_lower', '=', name));
  return { testDatabase, db, insertUser, byName };
}
