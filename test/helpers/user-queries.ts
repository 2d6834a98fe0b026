import type { TestContext } from 'node:test';
import { migrateToLatest } from '../../src/db/migrate.js';
import { prepareQuery } from '../../src/db/prepared-query.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase, whileNoSchemaIsDropped } from './databases.js';

/**
 * A migrated test database (SQLite unless told), dropped when the test ends, and two prepared queries on
 * its users: an insert and a lookup by name.
 */
export async function databaseWithUserQueries(t: TestContext, kind: DatabaseKind = 'sqlite') {
  const testDatabase: TestDatabase = await createTestDatabase(kind);
  t.after(() => testDatabase.drop());
  await whileNoSchemaIsDropped(kind, () => migrateToLatest(testDatabase.database));
  const { db } = testDatabase.database;
  // The name stands in for the email address too: a prepared query binds its arguments, it cannot build on them.
  const insertUser = prepareQuery((name: string) => db.insertInto('users').values({
    username: name, username_lower: name, email: name, email_lower: name, password_hash: 'x', is_active: 1, date_joined: 0,
  }).returning('id'));
  const byName = prepareQuery((name: string) => db.selectFrom('users').select(['id', 'username']).where('username_lower', '=', name));
  return { testDatabase, db, insertUser, byName };
}
