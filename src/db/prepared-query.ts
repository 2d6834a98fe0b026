import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import { executeCompiled } from './direct-runner.js';
import { prepareOnServer } from './postgres-js-dialect.js';
import type { DatabaseSchema } from './schema.js';

const ARGUMENT = Symbol('argument');

interface Placeholder {
  readonly [ARGUMENT]: number;
}

function isPlaceholder(value: unknown): value is Placeholder {
  return typeof value === 'object' && value !== null && ARGUMENT in value;
}

/** Anything that runs compiled queries: the database, or a transaction of it. */
export type QueryExecutor = Pick<Kysely<DatabaseSchema>, 'executeQuery' | 'isTransaction'>;

export interface PreparedQuery<Args extends unknown[], Row> {
  /** Every row the query returns for these arguments. */
  all(executor: QueryExecutor, ...args: Args): Promise<Row[]>;
  /** The first row, if any. */
  first(executor: QueryExecutor, ...args: Args): Promise<Row | undefined>;
  /** Runs a statement that returns no rows and answers how many rows it changed. */
  run(executor: QueryExecutor, ...args: Args): Promise<number>;
  /** The compiled query with these arguments bound, to run later: `commitDurably` runs several as one transaction. */
  bound(...args: Args): CompiledQuery<Row>;
}

/**
 * A query built and compiled once, then run with new arguments: `build` is called a single time
 * with placeholders in place of its arguments, and each run binds the real values where they stood.
 * Building and compiling a Kysely query costs more than running most of ours, and the hot paths run
 * the same few shapes over and over. `build` must pass each argument through as a bound value
 * (never build a string from it, spread it into a list, or branch on it). On SQLite a run goes
 * straight to the connection when it may (see DirectSqlite), past Kysely's executor.
 */
export function prepareQuery<Args extends unknown[], Row>(build: (...args: Args) => Compilable<Row>): PreparedQuery<Args, Row> {
  let compiled: CompiledQuery<Row> | undefined;

  function compile(): CompiledQuery<Row> {
    if (compiled === undefined) {
      const placeholders = Array.from({ length: build.length }, (_, i): Placeholder => ({ [ARGUMENT]: i }));
      compiled = build(...(placeholders as Args)).compile();
      prepareOnServer(compiled.sql);
    }
    return compiled;
  }

  function parametersOf(query: CompiledQuery<Row>, args: Args): unknown[] {
    return query.parameters.map((value) => (isPlaceholder(value) ? args[value[ARGUMENT]] : value));
  }

  const execute = (executor: QueryExecutor, args: Args) => {
    const query = compile();
    return executeCompiled(executor, query, parametersOf(query, args));
  };

  return {
    async all(executor, ...args) {
      return (await execute(executor, args)).rows;
    },
    async first(executor, ...args) {
      return (await execute(executor, args)).rows[0];
    },
    async run(executor, ...args) {
      return (await execute(executor, args)).changes;
    },
    bound(...args) {
      const query = compile();
      return { ...query, parameters: parametersOf(query, args) };
    },
  };
}
