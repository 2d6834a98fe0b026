import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import type { DatabaseSchema } from '../../db/schema.js';

export function createHealthRepository(db: Kysely<DatabaseSchema>, dialect: Dialect) {
  return {
    /**
     * A round trip through the database; rejects when it cannot be reached. Answers whether it takes
     * writes: a PostgreSQL standby (say a failover's old primary that came back as one) answers reads
     * and refuses every send.
     */
    async acceptsWrites(): Promise<boolean> {
      if (dialect === 'sqlite') {
        await sql`select 1`.execute(db);
        return true;
      }
      const { rows } = await sql<{ read_only: boolean }>`
        select pg_is_in_recovery() or current_setting('transaction_read_only') = 'on' as read_only`.execute(db);
      return !rows[0].read_only;
    },
  };
}

export type HealthRepository = ReturnType<typeof createHealthRepository>;
