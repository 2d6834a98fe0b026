import type { CompiledQuery } from 'kysely';
import { type DirectResult, type DirectRunner, directRunnerOf, type Executor, runDirectly, stopRunningDirectly } from './direct-runner.js';
import type { StatementCache } from './statement-cache.js';
import type { TurnSnapshot } from './turn-snapshot.js';
import type { WalFile } from './wal-file.js';

/** The SQLite runner of `executor`, if it may use one now. */
export function directSqliteOf(executor: Executor): DirectSqlite | undefined {
  const runner = directRunnerOf(executor);
  return runner instanceof DirectSqlite ? runner : undefined;
}

/**
 * Runs compiled statements on the SQLite connection itself, synchronously, past Kysely's executor,
 * connection provider and mutex, which cost a send about as much as its statements do. That is safe
 * exactly when no transaction but the caller's own is open on the connection, since a statement run
 * synchronously cannot interleave with anyone else's: a statement of the database itself runs directly
 * only while no transaction is open, one of a transaction only while that transaction, let in with
 * `within`, is open (SQLite has one connection, so it is the one). Otherwise the caller goes through
 * Kysely, which queues it behind the open transaction. The read transaction that the reads of a turn
 * share (see TurnSnapshot) does not count as open here: a statement of the database joins or ends it.
 */
export class DirectSqlite implements DirectRunner {
  readonly #statements: StatementCache;
  readonly #snapshot: TurnSnapshot;
  readonly #wal: WalFile | null;

  /** `wal`: the database's WAL file, when it has one (not in memory, and in WAL mode). */
  constructor(statements: StatementCache, snapshot: TurnSnapshot, wal: WalFile | null) {
    this.#statements = statements;
    this.#snapshot = snapshot;
    this.#wal = wal;
  }

  /** Runs `sql` now and answers its result, or answers undefined when `executor` may not use the connection now. */
  run(executor: Executor, sql: string, parameters: readonly unknown[]): DirectResult | undefined {
    if (executor.isTransaction !== this.#snapshot.otherTransactionOpen) return undefined;
    const statement = this.#statements.prepare(sql);
    // Outside a transaction, a read joins the turn's shared one; anything else must not run inside it.
    // Prepared queries are SELECTs and writes: an INSERT ... RETURNING reads rows but is not readonly.
    if (!executor.isTransaction) {
      if (statement.reader && statement.readonly) this.#snapshot.enter();
      else this.#snapshot.end();
    }
    if (statement.reader) return { rows: statement.all(parameters), changes: 0 };
    return { rows: [], changes: Number(statement.run(parameters).changes ?? 0) };
  }

  /**
   * Runs `queries` as one transaction now, and answers a promise that resolves once it is on the disk;
   * or answers undefined, running nothing, when another transaction is open on the connection (this one
   * would join it) or the database has no WAL file.
   *
   * The commit is made with synchronous=NORMAL, which in WAL mode writes the transaction to the WAL and
   * does not wait for the disk, and the WAL is then flushed (fdatasync) on libuv's thread pool. That is
   * what synchronous=FULL does, on the event loop, inside the commit: the caller learns of the commit
   * only once it is as durable as FULL makes it, and the event loop serves other requests meanwhile
   * rather than waiting for the disk (see docs/performance-history.md, "The login storm"). The setting is NORMAL only within this synchronous call, so no other
   * commit is ever made with it. Unlike under FULL, another request may read what the transaction wrote
   * before it is on the disk.
   */
  commitSyncingOffTheLoop(queries: readonly CompiledQuery[]): Promise<void> | undefined {
    if (this.#wal === null || this.#snapshot.otherTransactionOpen) return undefined;
    // Prepared first, so that a query that does not compile fails before anything has run.
    const statements = queries.map((query) => this.#statements.prepare(query.sql));
    this.#snapshot.end();
    this.#statements.prepare('pragma synchronous = NORMAL').run([]);
    try {
      this.#statements.prepare('begin immediate').run([]);
      try {
        statements.forEach((statement, i) => statement.run(queries[i].parameters));
        this.#statements.prepare('commit').run([]);
      } catch (error) {
        rollBack(this.#statements);
        throw error;
      }
    } finally {
      try {
        this.#statements.prepare('pragma synchronous = FULL').run([]);
      } catch (error) {
        this.#closeForGood('synchronous=FULL could not be set again after a commit', error);
      }
    }
    return this.#wal.sync().catch((error: unknown) => {
      this.#closeForGood('the WAL could not be flushed to the disk after a commit', error);
    });
  }

  /**
   * Closes the connection, after which every statement fails, and throws. What was committed may not be
   * on the disk, and every later commit would be written after it in the WAL, so none of them could be
   * acknowledged as durable; a restart lets SQLite's recovery keep what the disk holds.
   */
  #closeForGood(what: string, cause: unknown): never {
    this.#statements.close();
    throw new Error(`${what}: the database connection is closed, and the service must be restarted`, { cause });
  }

  /** Lets the statements of `transaction` run directly while `work` runs inside it. */
  async within<T>(transaction: Executor, work: () => Promise<T>): Promise<T> {
    runDirectly(transaction, this);
    try {
      return await work();
    } finally {
      stopRunningDirectly(transaction);
    }
  }
}

/** Rolls back the open transaction; SQLite may have rolled it back itself already, on the error that led here. */
function rollBack(statements: StatementCache): void {
  try {
    statements.prepare('rollback').run([]);
  } catch {
    // No transaction was open any more.
  }
}
