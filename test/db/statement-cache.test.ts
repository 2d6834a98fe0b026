import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { withStatementCache } from '../../src/db/statement-cache.js';

test('the same SQL text is prepared once and its statement reused', () => {
  const connection = new SQLite(':memory:');
  const database = withStatementCache(connection);
  const first = database.prepare('select 1 as one');
  assert.equal(database.prepare('select 1 as one'), first);
  assert.notEqual(database.prepare('select 2 as two'), first);
  assert.deepEqual(first.all([]), [{ one: 1 }]);
  database.close();
  assert.equal(connection.open, false);
});

test('the cache holds at most its bound, dropping the oldest statement first', () => {
  const database = withStatementCache(new SQLite(':memory:'), 2);
  const one = database.prepare('select 1');
  const two = database.prepare('select 2');
  database.prepare('select 3');
  assert.equal(database.prepare('select 2'), two);
  assert.notEqual(database.prepare('select 1'), one);
  database.close();
});
