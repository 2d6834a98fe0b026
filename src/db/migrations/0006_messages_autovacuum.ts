import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * PostgreSQL: an edited or deleted message leaves its old row version, text and all, in the table until
 * a vacuum removes it. With the defaults, autovacuum visits a table once a fifth of it has changed, which
 * on a large messages table is rare; here it comes once 2 % has (and at least 50 rows), and analyzes as
 * often. SQLite overwrites freed space as it frees it (`secure_delete`).
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') return;
  await sql`alter table messages set (
    autovacuum_vacuum_scale_factor = 0.02, autovacuum_vacuum_threshold = 50,
    autovacuum_vacuum_insert_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02
  )`.execute(db);
}
