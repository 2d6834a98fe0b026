/** A PostgreSQL schema of the benchmark's own, so that it never touches anyone else's tables. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The advisory lock the test suite takes around migrations (shared) and schema drops (exclusive), see
 * test/helpers/databases.ts: Kysely's migrator reads the catalog of every schema and fails when
 * another process drops one in the middle of that read.
 */
const SCHEMA_LOCK = 7_270_001;

export interface BenchSchema {
  readonly name: string;
  /** The database URL with the schema as its search path (`?options=-c search_path=...`), for a child process. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function createBenchSchema(url: string, prefix: string): Promise<BenchSchema> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await withClient(url, (client) => client.query(`create schema ${name}`));
  return {
    name,
    url: urlWithSearchPath(url, name),
    drop: () => withClient(url, async (client) => {
      await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
      await client.query(`drop schema ${name} cascade`);
    }),
  };
}

/** node-postgres reads `options` from the URL's query and passes it to the server at connection. */
export function urlWithSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** Runs `work` (migrations, or starting a service that migrates) while no schema is being dropped. */
export async function whileNoSchemaIsDropped<T>(url: string, work: () => Promise<T>): Promise<T> {
  return withClient(url, async (client) => {
    await client.query('select pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    return work();
  });
}

/** Ending the session also releases its advisory locks. */
async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
