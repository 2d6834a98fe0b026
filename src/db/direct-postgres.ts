import type { Sql } from 'postgres';
import { type DirectResult, type DirectRunner, type Executor, runDirectly } from './direct-runner.js';
import { WRITE_COMMANDS } from './postgres-js-dialect.js';

/**
 * Runs the prepared queries of the database itself on postgres.js, past Kysely's driver, which takes a
 * connection to itself for every query. Here each statement is prepared once per connection (a named
 * statement, parsed and planned once), and statements issued together share connections and writes:
 * postgres.js pipelines them, so a turn of the event loop sends its queries in one write a connection and
 * reads their answers in one. Statements of a transaction go through Kysely, on the connection it holds.
 */
export class DirectPostgres implements DirectRunner {
  readonly #sql: Sql;

  constructor(db: Executor, sql: Sql) {
    this.#sql = sql;
    runDirectly(db, this);
  }

  run(executor: Executor, sql: string, parameters: readonly unknown[]): Promise<DirectResult> | undefined {
    if (executor.isTransaction) return undefined;
    return this.#sql.unsafe(sql, parameters as never[], { prepare: true })
      .then((result) => ({ rows: Array.from(result), changes: WRITE_COMMANDS.has(result.command) ? result.count : 0 }));
  }
}
