import {
  AbortedTransactionError, type CompiledQuery, type DatabaseConnection, type Dialect, type Driver, type Kysely,
  PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type QueryResult, type TransactionSettings,
} from 'kysely';
import type { ReservedSql, Sql } from 'postgres';

/** Commands whose row count is what they changed. */
export const WRITE_COMMANDS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

/** SQL texts of the queries that prepareQuery built: few and fixed, so each is worth a named statement on the server. */
const preparedTexts = new Set<string>();

/** Marks `sql` as one of the service's fixed statements, prepared once per connection wherever it runs. */
export function prepareOnServer(sql: string): void {
  preparedTexts.add(sql);
}

/** Whether `sql` is one of the fixed statements: other texts (migrations, one-off queries) are not kept prepared. */
export function isPreparedOnServer(sql: string): boolean {
  return preparedTexts.has(sql);
}

/**
 * Kysely on postgres.js. A query outside a transaction runs on the pool, where postgres.js pipelines it
 * with others on a shared connection; a transaction takes a connection of its own (`reserve`) from its
 * BEGIN to its COMMIT or ROLLBACK.
 */
export class PostgresJsDialect implements Dialect {
  readonly #sql: Sql;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  createAdapter() {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PostgresJsDriver(this.#sql);
  }

  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }

  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
}

class PostgresJsDriver implements Driver {
  readonly #sql: Sql;
  #destroyed = false;

  constructor(sql: Sql) {
    this.#sql = sql;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.#destroyed) throw new Error('driver has already been destroyed');
    return new PostgresJsConnection(this.#sql);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await (connection as PostgresJsConnection).begin(settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    // PostgreSQL answers COMMIT with ROLLBACK when an earlier statement left the transaction aborted.
    if (await (connection as PostgresJsConnection).end('commit') === 'ROLLBACK') throw new AbortedTransactionError();
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as PostgresJsConnection).end('rollback');
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as PostgresJsConnection).release();
  }

  async destroy(): Promise<void> {
    this.#destroyed = true;
    await this.#sql.end();
  }
}

class PostgresJsConnection implements DatabaseConnection {
  readonly #pool: Sql;
  /** The connection a transaction holds, from BEGIN until it is released. */
  #reserved: ReservedSql | null = null;

  constructor(pool: Sql) {
    this.#pool = pool;
  }

  async begin(settings: TransactionSettings): Promise<void> {
    this.#reserved = await this.#pool.reserve();
    let begin = 'begin';
    if (settings.isolationLevel) begin += ` isolation level ${settings.isolationLevel}`;
    if (settings.accessMode) begin += ` ${settings.accessMode}`;
    await this.#reserved.unsafe(begin);
  }

  /** Ends the transaction; answers the command PostgreSQL completed it with. */
  async end(command: 'commit' | 'rollback'): Promise<string> {
    const result = await this.#reserved!.unsafe(command);
    return result.command;
  }

  release(): void {
    this.#reserved?.release();
    this.#reserved = null;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#reserved ?? this.#pool;
    const result = await target.unsafe(query.sql, query.parameters as never[], { prepare: isPreparedOnServer(query.sql) });
    return {
      rows: Array.from(result) as R[],
      numAffectedRows: WRITE_COMMANDS.has(result.command) ? BigInt(result.count) : undefined,
    };
  }

  // eslint-disable-next-line require-yield -- no query of the service streams its rows
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming rows is not supported on PostgreSQL here');
  }
}
