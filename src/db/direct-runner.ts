import type { CompiledQuery, QueryResult } from 'kysely';

/** What a statement run directly answers: its rows, or how many rows it changed. */
export interface DirectResult {
  readonly rows: unknown[];
  readonly changes: number;
}

/** Anything a query is run on: the database, or a transaction of it. */
export interface Executor {
  readonly isTransaction: boolean;
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>>;
}

/** Runs compiled statements on the database's own driver, past Kysely's executor, where that is safe. */
export interface DirectRunner {
  /** The result of `sql` run now (or its promise), or undefined when `executor` must go through Kysely. */
  run(executor: Executor, sql: string, parameters: readonly unknown[]): DirectResult | Promise<DirectResult> | undefined;
}

/** The direct runner of each database, and of each transaction let in while it is open. */
const runners = new WeakMap<Executor, DirectRunner>();

export function runDirectly(executor: Executor, runner: DirectRunner): void {
  runners.set(executor, runner);
}

export function stopRunningDirectly(executor: Executor): void {
  runners.delete(executor);
}

export function directRunnerOf(executor: Executor): DirectRunner | undefined {
  return runners.get(executor);
}

/** Runs `query` with these parameters directly when `executor` may (see DirectRunner), else through Kysely. */
export async function executeCompiled<R>(executor: Executor, query: CompiledQuery<R>,
  parameters: readonly unknown[] = query.parameters): Promise<{ rows: R[]; changes: number }> {
  const direct = runners.get(executor)?.run(executor, query.sql, parameters);
  if (direct) return direct as { rows: R[]; changes: number } | Promise<{ rows: R[]; changes: number }>;
  const result = await executor.executeQuery<R>(parameters === query.parameters ? query : { ...query, parameters });
  return { rows: result.rows, changes: Number(result.numAffectedRows ?? 0) };
}
