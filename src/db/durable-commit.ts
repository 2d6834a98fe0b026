import type { CompiledQuery, Kysely } from 'kysely';
import { executeCompiled } from './direct-runner.js';
import { directSqliteOf } from './direct-sqlite.js';
import type { DatabaseSchema } from './schema.js';

/**
 * Runs `queries` as one transaction, in order, and resolves once it is committed and durable. On SQLite
 * the disk is waited for off the event loop when it may be (see DirectSqlite.commitSyncingOffTheLoop);
 * otherwise, and on PostgreSQL, it is an ordinary transaction. Not for use inside a transaction: on SQLite
 * it would wait for that transaction to end, which waits for it.
 */
export async function commitDurably(db: Kysely<DatabaseSchema>, queries: readonly CompiledQuery[]): Promise<void> {
  const offTheLoop = directSqliteOf(db)?.commitSyncingOffTheLoop(queries);
  if (offTheLoop) return offTheLoop;
  await db.transaction().execute(async (trx) => {
    for (const query of queries) await executeCompiled(trx, query);
  });
}
