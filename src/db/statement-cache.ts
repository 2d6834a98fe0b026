import type SQLite from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** A prepared statement, and whether it leaves the database as it is (SQLite's own answer: a SELECT, not an INSERT ... RETURNING). */
export interface CachedStatement extends SqliteStatement {
  readonly readonly: boolean;
  /** True when its rows are read as one JSON value (see jsonRowsOf). */
  readonly rowsAsJson?: boolean;
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
        statement = rowsBuiltInJavaScript(connection, sql, connection.prepare(sql));
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
 * The statement with its rows made into objects here, from values read as arrays or as JSON text.
 * better-sqlite3 builds each row through V8's C++ API, a value at a time, and each value set that way
 * costs more than SQLite takes to read it: under load, half of a history page's statement time. So a
 * read whose rows JSON carries exactly (see jsonRowsOf) has SQLite write all of them as one JSON array
 * of arrays, one value for V8 to receive, which JSON.parse reads faster. Any other statement is read as
 * arrays, and made into objects in JavaScript rather than through the API property by property.
 * The names are read once, when the statement is prepared: a cached `select *` would keep them
 * across a schema change, so queries name their columns.
 */
function rowsBuiltInJavaScript(connection: SQLite.Database, sql: string, statement: SQLite.Statement): CachedStatement {
  if (!statement.reader) return statement;
  const columns = statement.columns();
  const toObject = rowBuilder(columns.map((column) => column.name));
  const asJson = jsonRowsOf(connection, sql, columns, statement.readonly);
  statement.raw(true);
  return {
    reader: true,
    readonly: statement.readonly,
    rowsAsJson: asJson !== null,
    all: asJson
      ? (parameters) => (JSON.parse(asJson.get(parameters) as string) as unknown[][]).map(toObject)
      : (parameters) => (statement.all(parameters) as unknown[][]).map(toObject),
    run: (parameters) => statement.run(parameters),
    *iterate(parameters) {
      for (const values of statement.iterate(parameters) as IterableIterator<unknown[]>) yield toObject(values);
    },
  };
}

/** Declared column types whose values JSON carries exactly: integers (as better-sqlite3 reads them, doubles) and text. */
const JSON_EXACT_TYPES = new Set(['integer', 'text']);

/** A compound SELECT, whose column types describe its first arm only (the word in a string literal merely falls back). */
const COMPOUND = /\b(union|intersect|except)\b/i;

/**
 * `sql` wrapped to answer its rows as one JSON array of arrays of their values, or null where that
 * could change a value: a statement that writes; a column that is not a table column declared INTEGER
 * or TEXT (an expression; a REAL, which SQLite writes exactly today, but we do not rely on it; a BLOB,
 * which JSON cannot hold); a compound SELECT; two columns whose names SQLite would take for one
 * (names are matched regardless of case). It relies on no BLOB being stored in an INTEGER or TEXT
 * column: the service binds numbers, strings and nulls only. SQLite's optimizer keeps the ORDER BY of
 * a FROM-clause subquery that feeds an aggregate other than count, min and max, so the array holds the
 * rows in the statement's order (a test checks it, with a LIMIT and without). A statement that cannot
 * be wrapped (a pragma, say) is read as arrays. The rows are one string, so a read of hundreds of
 * megabytes would fail where arrays would not; the service's reads are key lookups or have a LIMIT.
 */
function jsonRowsOf(connection: SQLite.Database, sql: string, columns: readonly SQLite.ColumnDefinition[],
  readonly: boolean): SQLite.Statement | null {
  const names = columns.map((column) => column.name);
  const exact = columns.every((column) => column.table !== null && JSON_EXACT_TYPES.has(column.type?.toLowerCase() ?? ''));
  const distinct = new Set(names.map((name) => name.toLowerCase())).size === names.length;
  if (!readonly || !exact || !distinct || COMPOUND.test(sql)) return null;
  const values = names.map((name) => `"${name.replaceAll('"', '""')}"`).join(', ');
  try {
    return connection.prepare(`select json_group_array(json_array(${values})) from (${sql})`).pluck();
  } catch {
    return null;
  }
}

/**
 * A function making a row's object from its values, written for these column names as one object
 * literal: every row then has its final shape at once, where setting the names one by one makes V8
 * grow each object through a chain of shapes. Columns sharing
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
