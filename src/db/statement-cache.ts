import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A prepared statement, and whether it leaves the database as it is (SQLite's own answer: a SELECT, not an INSERT ... RETURNING). */
export interface CachedStatement extends SqliteStatement {
  readonly readonly: boolean;
}

export interface StatementCache extends SqliteDatabase {
  prepare(sql: string): CachedStatement;
}

/**
 * Kysely's SQLite driver prepares every statement anew on each execution, and preparing costs more
 * than running most of our queries. This hands it the connection with `prepare` answered from a
 * cache keyed by the SQL text. Query shapes are few (parameters are bound, never inlined), so the
 * cache stays small; the bound only guards against an unexpected source of distinct texts.
 * Sharing a statement is safe because the driver and DirectSqlite each run a statement synchronously, to
 * its end, and never stream ours.
 */
export function withStatementCache(connection: SQLite.Database, maxStatements = 500): StatementCache {
  const statements = new Map<string, CachedStatement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = rowsBuiltInJavaScript(connection.prepare(sql));
        if (statements.size >= maxStatements) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
    close() {
      statements.clear();
      connection.close();
    },
  };
}

/**
 * The statement with its rows fetched as arrays and made into objects here. better-sqlite3 builds
 * each row object through V8's C++ API, a property at a time, which costs more than reading the row:
 * a page of ten messages takes twice as long as objects than as arrays mapped in JavaScript.
 * The names are read once, when the statement is prepared: a cached `select *` would keep them
 * across a schema change, so queries name their columns.
 */
function rowsBuiltInJavaScript(statement: SQLite.Statement): CachedStatement {
  if (!statement.reader) return statement;
  const toObject = rowBuilder(statement.columns().map((column) => column.name));
  statement.raw(true);
  return {
    reader: true,
    readonly: statement.readonly,
    all: (parameters) => (statement.all(parameters) as unknown[][]).map(toObject),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield toObject(values);
    },
  };
}

/**
 * A function making a row's object from its values, written for these column names as one object
 * literal: every row then has its final shape at once, where setting the names one by one made V8
 * grow each object through a chain of shapes (a page of ten messages: 1.5 µs less). Columns sharing
 * a name keep the last value, in the place of the first, as better-sqlite3's own objects do.
 */
function rowBuilder(names: readonly string[]): (values: unknown[]) => Record<string, unknown> {
  // In a literal, "__proto__": would set the prototype rather than make a column.
  if (names.includes('__proto__')) throw new Error('a column may not be named __proto__');
  const indexByName = new Map(names.map((name, index) => [name, index]));
  const fields = [...indexByName].map(([name, index]) => `${JSON.stringify(name)}: values[${index}]`);
  // Its source holds nothing but JSON-quoted column names and indexes.
  return new Function('values', `return { ${fields.join(', ')} };`) as (values: unknown[]) => Record<string, unknown>;
}
