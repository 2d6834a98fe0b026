import { type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import * as initial from './migrations/0001_initial.js';
import * as inboxBlocksTokens from './migrations/0002_inbox_blocks_tokens.js';

/** Every migration in order; each receives the dialect so one file can serve both databases. */
const MIGRATIONS = {
  '0001_initial': initial,
  '0002_inbox_blocks_tokens': inboxBlocksTokens,
} as const;

class ListedMigrationProvider implements MigrationProvider {
  constructor(private readonly database: Database) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const dialect = this.database.dialect;
    return Object.fromEntries(Object.entries(MIGRATIONS).map(([name, migration]) => [
      name,
      { up: (db) => migration.up(db, dialect) } satisfies Migration,
    ]));
  }
}

/** Brings the schema to the latest version; throws with the failing migration's error. */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with another schema
  // in the same PostgreSQL database holding them, it would skip creating its own.
  const migrationTableSchema = database.dialect === 'postgres'
    ? (await sql<{ name: string }>`select current_schema() as name`.execute(database.db)).rows[0].name
    : undefined;
  const migrator = new Migrator({ db: database.db, provider: new ListedMigrationProvider(database), migrationTableSchema });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
