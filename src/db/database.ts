import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type DialectAdapter, Kysely, PostgresDialect, SqliteAdapter, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseSchema } from './schema.js';
import { DirectSqlite } from './direct-sqlite.js';
import { TurnSnapshot } from './turn-snapshot.js';
import { withStatementCache } from './statement-cache.js';
import { WalFile } from './wal-file.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: Dialect;
  destroy(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL only: the schema to work in (tests use one per run). */
  readonly searchPath?: string;
  readonly poolSize?: number;
  /**
   * PostgreSQL only: told when a pooled connection breaks while idle (a restarted server, a killed
   * backend). The pool has dropped it already; the next query opens a new one.
   */
  readonly onConnectionLost?: (error: Error) => void;
  /**
   * SQLite only: this connection alone opens the file. It takes SQLite's locks once and keeps them,
   * and keeps the WAL index in its own memory rather than in shared memory. No other process or
   * connection can use the file until this one closes. (Once faster; since the reads of a turn share
   * one transaction, see TurnSnapshot, it measures the same as the default.)
   */
  readonly sqliteExclusive?: boolean;
}

/** The SQLite file could not be opened for a lock: another process holds it, or has it open when SQLITE_EXCLUSIVE asks for it alone. */
export class DatabaseInUseError extends Error {}

/** How long a query waits for a PostgreSQL connection (a new one, or a turn in the full pool) before failing. */
const CONNECT_TIMEOUT_MS = 10_000;

// int8 (bigint, COUNT) arrives as a string by default; our ids and epoch-millisecond times fit a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options.sqliteExclusive ?? false);
  return openPostgres(url, options);
}

function openSqlite(path: string, exclusive: boolean): Database {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new SQLite(path);
  try {
    configureSqlite(connection, exclusive);
  } catch (error) {
    connection.close();
    if (!(error instanceof SQLite.SqliteError && error.code.startsWith('SQLITE_BUSY'))) throw error;
    throw new DatabaseInUseError(exclusive
      ? `SQLITE_EXCLUSIVE: another process or connection is using ${path}`
      : `${path} is locked by another process (a service running with SQLITE_EXCLUSIVE=true keeps it until it stops)`,
    { cause: error });
  }
  const statements = withStatementCache(connection);
  const snapshot = new TurnSnapshot(connection);
  const wal = walFileOf(connection);
  const db = new Kysely<DatabaseSchema>({ dialect: new TransactionalDdlSqliteDialect({ database: snapshot.endingBeforeEachStatement(statements) }) });
  new DirectSqlite(db, statements, snapshot, wal);
  return {
    db,
    dialect: 'sqlite',
    async destroy() {
      await db.destroy();
      await wal?.close();
    },
  };
}

/** The WAL of the connection's database, when it has one: a file, in WAL mode. Named after the path SQLite resolved (symbolic links followed). */
function walFileOf(connection: SQLite.Database): WalFile | null {
  if (connection.pragma('journal_mode', { simple: true }) !== 'wal') return null;
  const main = (connection.pragma('database_list') as { name: string; file: string }[]).find((database) => database.name === 'main');
  return main?.file ? new WalFile(`${main.file}-wal`) : null;
}

function configureSqlite(connection: SQLite.Database, exclusive: boolean): void {
  connection.pragma('busy_timeout = 5000');
  // Before anything reads the file: only then does WAL mode keep its index out of shared memory, and
  // the journal_mode pragma then takes the file's exclusive lock, which the locking mode keeps.
  if (exclusive) connection.pragma('locking_mode = EXCLUSIVE');
  connection.pragma('journal_mode = WAL');
  // better-sqlite3 would otherwise run WAL with synchronous=NORMAL, which can lose acknowledged writes on power loss.
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    options: options.searchPath ? `-c search_path=${options.searchPath}` : undefined,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  // A connection that breaks emits 'error' on its client, which with no listener would crash the
  // process. The pool listens on idle clients only and re-emits here; a client checked out between
  // two queries of a transaction has no listener but this one, and its next query fails instead.
  pool.on('connect', (client) => client.on('error', () => {}));
  pool.on('error', (error) => options.onConnectionLost?.(error));
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', destroy: () => db.destroy() };
}

/**
 * SQLite's dialect, telling Kysely's migrator that SQLite's DDL is transactional (it is; Kysely's
 * adapter says otherwise only to stay on the safe side): pending migrations then run in one
 * transaction, and one that fails halfway, or a process killed in the middle, leaves the schema as it
 * was, where each statement committing on its own left a half-applied migration that failed on every
 * later start ("duplicate column name"). The migrator is the only reader of this flag.
 */
class TransactionalDdlSqliteDialect extends SqliteDialect {
  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  get supportsTransactionalDdl(): boolean {
    return true;
  }
}
