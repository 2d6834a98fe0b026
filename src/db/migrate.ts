import { type Migration, type MigrationProvider, type MigrationResultSet, Migrator, sql } from 'kysely';
import type { Database } from './database.js';
import * as initial from './migrations/0001_initial.js';
import * as inboxBlocksTokens from './migrations/0002_inbox_blocks_tokens.js';
import * as activeUserCount from './migrations/0003_active_user_count.js';
import * as credentialNotices from './migrations/0004_credential_notices.js';
import * as activeUsersByName from './migrations/0005_active_users_by_name.js';
import * as messagesAutovacuum from './migrations/0006_messages_autovacuum.js';

/** Every migration in order; each receives the dialect so one file can serve both databases. */
const MIGRATIONS = {
  '0001_initial': initial,
  '0002_inbox_blocks_tokens': inboxBlocksTokens,
  '0003_active_user_count': activeUserCount,
  '0004_credential_notices': credentialNotices,
  '0005_active_users_by_name': activeUsersByName,
  '0006_messages_autovacuum': messagesAutovacuum,
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

/** The tables whose statistics the planner needs for the service's queries. */
const PLANNED_TABLES = ['users', 'sessions', 'api_tokens', 'conversations', 'conversation_members', 'messages', 'blocks'] as const;

/**
 * Brings the schema to the latest version; throws with the failing migration's error. On PostgreSQL a
 * migration that ran is followed by ANALYZE of the tables that hold rows, so that the planner has
 * statistics for what it changed rather than waiting for autovacuum to gather them. An empty table is
 * left unanalyzed: analyzed, PostgreSQL would take it for empty until the next ANALYZE, and plan for that
 * while it fills; unanalyzed, it estimates from the table's size on disk as it grows.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const names = applied(await (await migratorOf(database)).migrateToLatest());
  if (names.length > 0 && database.dialect === 'postgres') {
    for (const table of PLANNED_TABLES) {
      const { rows } = await sql<{ filled: boolean }>`select exists (select from ${sql.table(table)}) as filled`.execute(database.db);
      if (rows[0].filled) await sql`analyze ${sql.table(table)}`.execute(database.db);
    }
  }
  return names;
}

/** Brings the schema up to the named migration, for upgrading a database step by step. */
export async function migrateUpTo(database: Database, name: keyof typeof MIGRATIONS): Promise<string[]> {
  return applied(await (await migratorOf(database)).migrateTo(name));
}

async function migratorOf(database: Database): Promise<Migrator> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with another schema
  // in the same PostgreSQL database holding them, it would skip creating its own.
  const migrationTableSchema = database.dialect === 'postgres'
    ? (await sql<{ name: string }>`select current_schema() as name`.execute(database.db)).rows[0].name
    : undefined;
  return new Migrator({ db: database.db, provider: new ListedMigrationProvider(database), migrationTableSchema });
}

function applied({ error, results }: MigrationResultSet): string[] {
  if (error) throw error;
  return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
}
