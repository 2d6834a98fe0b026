import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { type DialectAdapter, Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import postgres, { type Options, type Sql } from 'postgres';
import type { DatabaseSchema } from './schema.js';
import { DirectPostgres } from './direct-postgres.js';
import { runDirectly } from './direct-runner.js';
import { PostgresJsDialect } from './postgres-js-dialect.js';
import { DirectSqlite } from './direct-sqlite.js';
import { TurnSnapshot } from './turn-snapshot.js';
import { withStatementCache } from './statement-cache.js';
import { WalFile } from './wal-file.js';
import { ErasedTextScrubber } from './erased-text.js';
import { ConfigError } from '../config.js';
import { fileErrorReason } from '../runtime/file-errors.js';
import { makePrivateDatabaseFiles, makePrivateFolder } from '../runtime/private-files.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly db: Kysely<DatabaseSchema>;
  readonly dialect: Dialect;
  /** PostgreSQL only: the driver itself, for what Kysely does not do (notifications). */
  readonly postgres?: PostgresAccess;
  /**
   * SQLite only: told after a commit that erased text (an edit or a delete), so that the old text leaves
   * the database's files within seconds (see ErasedTextScrubber).
   */
  readonly erased?: () => void;
  destroy(): Promise<void>;
}

export interface PostgresAccess {
  /** The pool the database's queries run on. */
  readonly pool: Sql;
  /**
   * A connection of its own (a pool of one) with the database's settings, told of the notifications it
   * hears and of its closing; its owner ends it.
   */
  connectAlone(events: { onnotify(channel: string, payload: string): void; onclose(): void }): Sql;
}

export interface DatabaseOptions {
  /** PostgreSQL only: the schema to work in (tests use one per run). */
  readonly searchPath?: string;
  /** PostgreSQL only: connections to keep open at most (see postgresPoolSize). */
  readonly poolSize?: number;
  /**
   * PostgreSQL only: told when a connection of the pool closes other than at `destroy` (a restarted
   * server, a killed backend). The pool has dropped it already; the next query opens a new one.
   */
  readonly onConnectionLost?: () => void;
  /** PostgreSQL only: told of every statement sent, with its parameters (tests that read query plans). */
  readonly onStatement?: (sql: string, parameters: readonly unknown[]) => void;
  /**
   * SQLite only: this connection alone opens the file. It takes SQLite's locks once and keeps them,
   * and keeps the WAL index in its own memory rather than in shared memory. No other process or
   * connection can use the file until this one closes. It guarantees that nothing else opens the file; it
   * is no faster than the default (see docs/storage.md).
   */
  readonly sqliteExclusive?: boolean;
}

/** The SQLite file could not be opened for a lock: another process holds it, or has it open when SQLITE_EXCLUSIVE asks for it alone. */
export class DatabaseInUseError extends Error {}

/** The SQLite file cannot be made or opened where DATABASE_URL says: a setting to correct. */
export class DatabaseLocationError extends ConfigError {}

/** How long a query waits for a new PostgreSQL connection before failing. */
const CONNECT_TIMEOUT_SECONDS = 10;

/**
 * int8 (bigint, COUNT) as a number rather than postgres.js's text: our ids and epoch-millisecond times
 * fit a double.
 */
const BIGINT_AS_NUMBER = { to: 20, from: [20], parse: Number, serialize: String };

/**
 * The default size of the PostgreSQL pool: twice the machine's cores, and at least four. postgres.js
 * pipelines statements, so one connection carries the queries of many requests at once; connections
 * beyond what the database server's cores can run at once only add switching between its backends.
 */
export function postgresPoolSize(cores = availableParallelism()): number {
  return Math.max(4, 2 * cores);
}

export function openDatabase(url: string, options: DatabaseOptions = {}): Database {
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), options.sqliteExclusive ?? false);
  return openPostgres(url, options);
}

function openSqlite(path: string, exclusive: boolean): Database {
  const cannotOpen = (error: unknown) => new DatabaseLocationError(
    `DATABASE_URL: cannot open the SQLite database ${path} (${fileErrorReason(error)}); choose a path in a folder this user can write`,
    { cause: error });
  let connection: SQLite.Database;
  try {
    if (path !== ':memory:') {
      makePrivateFolder(dirname(path));
      makePrivateDatabaseFiles(path);
    }
    connection = new SQLite(path);
  } catch (error) {
    throw cannotOpen(error);
  }
  try {
    configureSqlite(connection, exclusive);
  } catch (error) {
    connection.close();
    if (!(error instanceof SQLite.SqliteError && error.code.startsWith('SQLITE_BUSY'))) throw cannotOpen(error);
    throw new DatabaseInUseError(exclusive
      ? `SQLITE_EXCLUSIVE: another process or connection is using ${path}`
      : `${path} is locked by another process (a service running with SQLITE_EXCLUSIVE=true keeps it until it stops)`,
    { cause: error });
  }
  const statements = withStatementCache(connection);
  const snapshot = new TurnSnapshot(connection);
  const wal = walFileOf(connection);
  const db = new Kysely<DatabaseSchema>({ dialect: new TransactionalDdlSqliteDialect({ database: snapshot.endingBeforeEachStatement(statements) }) });
  runDirectly(db, new DirectSqlite(statements, snapshot, wal));
  const scrubber = new ErasedTextScrubber(connection);
  return {
    db,
    dialect: 'sqlite',
    erased: () => scrubber.erased(),
    async destroy() {
      scrubber.close();
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
  // Freed space in a page (an edited message's old text, a deleted one's) is overwritten with zeros.
  connection.pragma('secure_delete = ON');
}

function openPostgres(url: string, options: DatabaseOptions): Database {
  let destroyed = false;
  const settings = {
    connection: {
      // The hot statements are prepared once per connection and planned once, generically: their shapes
      // leave the planner one index to use whatever the parameters (test/db/query-plans.test.ts). Left to
      // choose, PostgreSQL plans a history page anew on every run, because its generic plan for a LIMIT given
      // as a parameter looks costlier than the custom ones. Unprepared statements are planned each time anyway.
      plan_cache_mode: 'force_generic_plan',
      ...(options.searchPath ? { search_path: options.searchPath } : {}),
      // Parameters in the URL (`?options=-c ...`, `application_name`) win over these.
    },
    types: { bigint: BIGINT_AS_NUMBER },
    // Our queries use no array or custom types: no catalog query at each connection.
    fetch_types: false,
    connect_timeout: CONNECT_TIMEOUT_SECONDS,
    // Notices (`... already exists, skipping`) are not errors; postgres.js would print them.
    onnotice: () => {},
    ...(options.onStatement ? { debug: (_connection: number, sql: string, parameters: unknown[]) => options.onStatement!(sql, parameters) } : {}),
  } satisfies Options<{ bigint: typeof BIGINT_AS_NUMBER }>;
  const sql = postgres(url, {
    ...settings,
    max: options.poolSize ?? postgresPoolSize(),
    onclose: () => {
      if (!destroyed) options.onConnectionLost?.();
    },
  });
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresJsDialect(sql) });
  runDirectly(db, new DirectPostgres(sql));
  return {
    db,
    dialect: 'postgres',
    postgres: {
      pool: sql as unknown as Sql,
      connectAlone: ({ onnotify, onclose }) => postgres(url, { ...settings, max: 1, onnotify, onclose }) as unknown as Sql,
    },
    async destroy() {
      destroyed = true;
      await db.destroy();
    },
  };
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
