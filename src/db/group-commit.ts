import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import { executeCompiled } from './direct-runner.js';
import { directSqliteOf } from './direct-sqlite.js';
import type { DatabaseSchema } from './schema.js';
import { isDatabaseUnavailable } from './unavailable.js';

export type TransactionWork<T> = (trx: Transaction<DatabaseSchema>) => Promise<T>;

/** Runs a unit of work in a transaction; its promise settles only once that transaction committed. */
export interface TransactionRunner {
  run<T>(work: TransactionWork<T>): Promise<T>;
  /** Commits whatever is waiting for a batch now, and settles once every unit handed over so far has settled. */
  settle(): Promise<void>;
}

export interface GroupCommitOptions {
  /** How long the first unit of a batch waits for others to join it. */
  readonly maxWaitMs: number;
  /** A batch this large commits at once. */
  readonly maxBatch: number;
  /** Told the size of each batch once it committed (metrics). */
  readonly onBatch?: (size: number) => void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release savepoint unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint unit');

interface Pending {
  work: TransactionWork<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** One transaction per unit of work (PostgreSQL batches commits on its own side). */
export function transactionPerUnit(db: Kysely<DatabaseSchema>): TransactionRunner {
  const running = new Set<Promise<unknown>>();
  return {
    run(work) {
      const unit = db.transaction().execute(work);
      const tracked = unit.then(() => {}, () => {}).finally(() => running.delete(tracked));
      running.add(tracked);
      return unit;
    },
    async settle() {
      await Promise.all(running);
    },
  };
}

/**
 * Group commit for SQLite, where every commit is an fsync (synchronous=FULL) that also holds up the
 * event loop: units of work that arrive within `maxWaitMs` share one transaction and one fsync. Each
 * runs inside its own savepoint, so a unit that fails is rolled back alone and only its caller sees
 * the error; every caller is answered only after the shared commit, so nothing is acknowledged
 * before it is durable. If the commit itself fails, every unit of the batch fails.
 */
export interface GroupCommitStats {
  batches: number;
  units: number;
  largestBatch: number;
}

export function groupCommit(db: Kysely<DatabaseSchema>, options: GroupCommitOptions): TransactionRunner & { readonly stats: GroupCommitStats } {
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();
  const stats: GroupCommitStats = { batches: 0, units: 0, largestBatch: 0 };

  function schedule(): void {
    if (queue.length >= options.maxBatch) {
      if (timer) clearTimeout(timer);
      timer = null;
      void flush();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = null;
        void flush();
      }, options.maxWaitMs);
    }
  }

  function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return flushing;
    // Batches commit one after another, in the order they were formed.
    flushing = flushing.then(() => commit(batch));
    return flushing;
  }

  async function commit(batch: Pending[]): Promise<void> {
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const direct = directSqliteOf(db);
    const runUnits = async (trx: Transaction<DatabaseSchema>) => {
      // The savepoints too run directly on SQLite when they may (see DirectSqlite).
      const execute = (query: CompiledQuery) => executeCompiled(trx, query);
      for (const unit of batch) {
        await execute(SAVEPOINT);
        try {
          const value = await unit.work(trx);
          await execute(RELEASE);
          // Only now: a RELEASE that failed must leave this unit one outcome, its error.
          outcomes.push({ ok: true, value });
        } catch (error) {
          // A locked database (SQLITE_BUSY once the busy timeout ran out) is the batch's condition, not
          // this unit's: the batch fails as one, rather than every unit waiting out the timeout again
          // while the event loop stands still.
          if (isDatabaseUnavailable(error)) throw error;
          await execute(ROLLBACK_TO);
          await execute(RELEASE);
          outcomes.push({ ok: false, error });
        }
      }
    };
    try {
      await db.transaction().execute((trx) => (direct ? direct.within(trx, () => runUnits(trx)) : runUnits(trx)));
    } catch (error) {
      for (const unit of batch) unit.reject(error);
      return;
    }
    stats.batches += 1;
    stats.units += batch.length;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    options.onBatch?.(batch.length);
    batch.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
  }

  return {
    async settle() {
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
    },
    run<T>(work: TransactionWork<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    stats,
  };
}
