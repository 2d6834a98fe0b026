import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * PostgreSQL: the active users in username order, which the users list reads a page of. Its rows are
 * exactly the ones the list may show, so the planner reads them in order from here rather than scanning
 * and sorting the table, which, before statistics say how many users are active, it takes for cheaper.
 * SQLite plans the list on the unique username index without statistics.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') return;
  // `<> 0`, not `= 1`: see the users list's query (users.repository.ts, `listed`).
  await sql`create index users_active_by_name on users (username_lower) where is_active <> 0`.execute(db);
}
