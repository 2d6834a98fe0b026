import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
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

test('reads of INTEGER and TEXT columns arrive as one JSON value, with every value and the order as stored', () => {
  const connection = new SQLite(':memory:');
  const database = withStatementCache(connection);
  database.prepare('create table notes (id integer primary key, body text, at integer, score real, data blob)').run([]);
  const insert = database.prepare('insert into notes (id, body, at, score, data) values (?, ?, ?, ?, ?)');
  fc.assert(fc.property(
    fc.uniqueArray(fc.record({
      id: fc.integer({ min: 1, max: 2 ** 31 }),
      body: fc.option(fc.string({ unit: 'binary' }), { nil: null }),
      at: fc.option(fc.oneof(fc.maxSafeInteger(), fc.constantFrom(2 ** 53 + 2, -(2 ** 62))), { nil: null }),
    }), { selector: (note) => note.id, maxLength: 12 }),
    fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 4 }),
    (notes, limit, offset) => {
      database.prepare('delete from notes').run([]);
      for (const note of notes) insert.run([note.id, note.body, note.at, null, null]);
      const page = database.prepare('select id, body, at from notes order by id desc limit cast(? as integer) offset ?');
      assert.equal(page.rowsAsJson, true);
      // better-sqlite3's own row objects, read without the cache, are the reference.
      const expected = connection.prepare('select id, body, at from notes order by id desc limit ? offset ?').all(limit, offset);
      assert.deepEqual(page.all([limit, offset]), expected);
      // Without a LIMIT too, the rows keep the statement's order.
      const byTime = database.prepare('select id, body, at from notes order by at desc, body, id');
      assert.equal(byTime.rowsAsJson, true);
      assert.deepEqual(byTime.all([]), connection.prepare('select id, body, at from notes order by at desc, body, id').all());
    },
  ));
  database.close();
});

test('reads that JSON could change, and statements that cannot be wrapped, are read as arrays', () => {
  const database = withStatementCache(new SQLite(':memory:'));
  database.prepare('create table notes (id integer primary key, score real, data blob)').run([]);
  database.prepare('insert into notes (id, score, data) values (?, ?, ?)').run([1, 0.1 + 0.2, Buffer.from([0, 1, 255])]);
  const cases: [string, unknown][] = [
    ['select id, score from notes', { id: 1, score: 0.1 + 0.2 }],
    ['select id, data from notes', { id: 1, data: Buffer.from([0, 1, 255]) }],
    ['select id, id + 1 as next from notes', { id: 1, next: 2 }],
    ['select id, id from notes', { id: 1 }],
    // SQLite matches column names regardless of case, so the wrapper could not tell these apart.
    ['select id, score as "ID" from notes', { id: 1, ID: 0.1 + 0.2 }],
    // The column types of a compound SELECT describe its first arm only.
    ['select id from notes union all select data from notes', [{ id: 1 }, { id: Buffer.from([0, 1, 255]) }]],
  ];
  for (const [sql, row] of cases) {
    const statement = database.prepare(sql);
    assert.equal(statement.rowsAsJson, false, sql);
    assert.deepEqual(statement.all([]), Array.isArray(row) ? row : [row], sql);
  }
  const pragma = database.prepare('pragma table_info(notes)');
  assert.equal(pragma.rowsAsJson, false);
  assert.equal(pragma.all([]).length, 3);
  const insert = database.prepare('insert into notes (id) values (?) returning id');
  assert.equal(insert.rowsAsJson, false);
  assert.deepEqual(insert.all([2]), [{ id: 2 }]);
  database.close();
});
