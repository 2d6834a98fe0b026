import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe } from 'node:test';
import pg from 'pg';
import { type Database, type DatabaseOptions, openDatabase } from '../../src/db/database.js';

export type DatabaseKind = 'sqlite' | 'postgres';

/**
 * The databases a test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. Under CI
 * PostgreSQL is required, so a missing variable fails the run instead of silently skipping.
 */
export function testDatabaseKinds(): DatabaseKind[] {
  if (process.env.TEST_DATABASE_URL) return ['sqlite', 'postgres'];
  if (process.env.CI === 'true') throw new Error('CI=true but TEST_DATABASE_URL is not set: PostgreSQL tests must run in CI');
  return ['sqlite'];
}

/**
 * The Redis the cross-instance tests use (TEST_REDIS_URL), or null when there is none and they are
 * skipped. Under CI they are required, as PostgreSQL is.
 */
export function testRedisUrl(): string | null {
  const url = process.env.TEST_REDIS_URL?.trim();
  if (url) return url;
  if (process.env.CI === 'true') throw new Error('CI=true but TEST_REDIS_URL is not set: Redis tests must run in CI');
  return null;
}

/** Declares the same suite once per database, named after it. */
export function describeEachDatabase(name: string, suite: (kind: DatabaseKind) => void): void {
  for (const kind of testDatabaseKinds()) describe(`${name} [${kind}]`, () => suite(kind));
}

export interface TestDatabase {
  readonly database: Database;
  /** The database URL a child process would use, and (PostgreSQL) its schema. */
  readonly url: string;
  readonly searchPath?: string;
  drop(): Promise<void>;
}

let admin: pg.Pool | null = null;

// Kysely's migrator reads the catalog of every schema in the database, and fails when another test
// process drops its schema in the middle of that read. Migrations hold this advisory lock shared,
// a drop holds it exclusively.
const SCHEMA_LOCK = 7_270_001;

/** Runs `migrate` (anything that introspects the database) while no test schema is being dropped. */
export async function whileNoSchemaIsDropped<T>(kind: DatabaseKind, migrate: () => Promise<T>): Promise<T> {
  if (kind === 'sqlite') return migrate();
  const client = await admin!.connect();
  try {
    await client.query('select pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    return await migrate();
  } finally {
    await client.query('select pg_advisory_unlock_shared($1)', [SCHEMA_LOCK]);
    client.release();
  }
}

/** A new, empty database: a SQLite file in a temporary folder, or a PostgreSQL schema of its own. */
export async function createTestDatabase(kind: DatabaseKind, options: Pick<DatabaseOptions, 'onStatement'> = {}): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const folder = mkdtempSync(join(tmpdir(), 'messaging-test-'));
    const url = `sqlite:${join(folder, 'db.sqlite3')}`;
    const database = openDatabase(url);
    return {
      database,
      url,
      async drop() {
        await database.destroy();
        rmSync(folder, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.TEST_DATABASE_URL!;
  admin ??= new pg.Pool({ connectionString: url, max: 2 });
  const schema = `test_${randomBytes(6).toString('hex')}`;
  await admin.query(`create schema ${schema}`);
  const database = openDatabase(url, { ...options, searchPath: schema });
  return {
    database,
    url,
    searchPath: schema,
    async drop() {
      await database.destroy();
      const client = await admin!.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [SCHEMA_LOCK]);
        client.release();
      }
    },
  };
}

after(async () => {
  await admin?.end();
  admin = null;
});
