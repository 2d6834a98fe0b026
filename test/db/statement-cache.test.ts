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

test('rows come back as objects keyed by column name, from reads and from statements that return rows', () => {
  const database = withStatementCache(new SQLite(':memory:'));
  database.prepare('create table notes (id integer primary key, body text, at integer)').run([]);
  assert.deepEqual(database.prepare('insert into notes (body, at) values (?, ?) returning id, body').all(['a', 5]), [{ id: 1, body: 'a' }]);
  database.prepare('insert into notes (body, at) values (?, ?)').run(['b', null]);
  const select = database.prepare('select id, body as text, at from notes order by id');
  assert.deepEqual(select.all([]), [{ id: 1, text: 'a', at: 5 }, { id: 2, text: 'b', at: null }]);
  assert.deepEqual([...select.iterate([])], [{ id: 1, text: 'a', at: 5 }, { id: 2, text: 'b', at: null }]);
  // As better-sqlite3's own row objects do, a repeated column name keeps the last value.
  assert.deepEqual(database.prepare('select 1 as x, 2 as x').all([]), [{ x: 2 }]);
  database.close();
});

test('any column name comes back as it is, in the order of the columns', () => {
  const database = withStatementCache(new SQLite(':memory:'));
  const row = database.prepare(`select 1 as "a""b", 2 as "c\\d", 3 as "e'f", 4 as "line
break", 5 as "é ü", 6 as "constructor", 7 as "a", 8 as "b", 9 as "a"`).all([])[0];
  assert.deepEqual(Object.entries(row as object), [
    ['a"b', 1], ['c\\d', 2], ["e'f", 3], ['line\nbreak', 4], ['é ü', 5], ['constructor', 6], ['a', 9], ['b', 8],
  ]);
  assert.throws(() => database.prepare('select 1 as "__proto__"'), /__proto__/);
  database.close();
});
