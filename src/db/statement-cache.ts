import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * Kysely's SQLite driver prepares every statement anew on each execution, and preparing costs more
 * than running most of our queries. This hands it the connection with `prepare` answered from a
 * cache keyed by the SQL text. Query shapes are few (parameters are bound, never inlined), so the
 * cache stays small; the bound only guards against an unexpected source of distinct texts.
 * Sharing a statement is safe because the driver runs one query at a time and never streams ours.
 */
export function withStatementCache(connection: SQLite.Database, maxStatements = 500): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = connection.prepare(sql);
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
