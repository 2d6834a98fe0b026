import type { CompiledQuery, QueryResult } from 'kysely';
import type { StatementCache } from './statement-cache.js';
import type { TurnSnapshot } from './turn-snapshot.js';

/** What a statement run directly answers: its rows, or how many rows it changed. */
export interface DirectResult {
  readonly rows: unknown[];
  readonly changes: number;
}

/** Anything a query is run on: the database, or a transaction of it. */
interface Executor {
  readonly isTransaction: boolean;
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** The direct runner of each database, and of each transaction let in while it is open. */
const runners = new WeakMap<Executor, DirectSqlite>();

/** The direct runner `executor` may use, if any. */
export function directRunnerOf(executor: Executor): DirectSqlite | undefined {
  return runners.get(executor);
}

/** Runs `query` with these parameters directly on SQLite when `executor` may (see DirectSqlite), else through Kysely. */
export async function executeCompiled<R>(executor: Executor, query: CompiledQuery<R>,
  parameters: readonly unknown[] = query.parameters): Promise<{ rows: R[]; changes: number }> {
  const direct = runners.get(executor)?.run(executor, query.sql, parameters);
  if (direct) return direct as { rows: R[]; changes: number };
  const result = await executor.executeQuery<R>(parameters === query.parameters ? query : { ...query, parameters });
  return { rows: result.rows, changes: Number(result.numAffectedRows ?? 0) };
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
export class DirectSqlite {
  readonly #statements: StatementCache;
  readonly #snapshot: TurnSnapshot;

  constructor(db: Executor, statements: StatementCache, snapshot: TurnSnapshot) {
    this.#statements = statements;
    this.#snapshot = snapshot;
    runners.set(db, this);
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

  /** Lets the statements of `transaction` run directly while `work` runs inside it. */
  async within<T>(transaction: Executor, work: () => Promise<T>): Promise<T> {
    runners.set(transaction, this);
    try {
      return await work();
    } finally {
      runners.delete(transaction);
    }
  }
}
