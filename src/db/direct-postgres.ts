import type { Sql } from 'postgres';
import { type DirectResult, type DirectRunner, type Executor } from './direct-runner.js';
import { WRITE_COMMANDS } from './postgres-js-dialect.js';

/**
 * Runs the prepared queries of the database itself on postgres.js, past Kysely's driver, which takes a
 * connection to itself for every query. Here each statement is prepared once per connection (a named
 * statement, parsed and planned once), and statements share connections: postgres.js pipelines them.
 * Statements of a transaction go through Kysely, on the connection it holds.
 *
 * The statements asked for in one turn of the event loop are handed to postgres.js together at the end of
 * the turn (`setImmediate`), as the answers to reads are written (see read-batching.ts). postgres.js
 * writes what it was given when the current tick ends, and the requests of one turn run in ticks of their
 * own: handed over one by one, each statement was a write of its own, and each write wakes a database
 * backend, which on this kind of virtual machine costs more than running the statement does.
 */
export class DirectPostgres implements DirectRunner {
  readonly #sql: Sql;
  #waiting: (() => void)[] = [];
  readonly #sendWaiting = () => {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const send of waiting) send();
  };

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  run(executor: Executor, sql: string, parameters: readonly unknown[]): Promise<DirectResult> | undefined {
    if (executor.isTransaction) return undefined;
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(this.#sendWaiting);
      this.#waiting.push(() => {
        this.#sql.unsafe(sql, parameters as never[], { prepare: true })
          .then((result) => resolve({ rows: Array.from(result), changes: WRITE_COMMANDS.has(result.command) ? result.count : 0 }), reject);
      });
    });
  }
}
