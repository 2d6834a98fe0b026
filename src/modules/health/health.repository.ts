import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../../db/schema.js';

export function createHealthRepository(db: Kysely<DatabaseSchema>) {
  return {
    /** A round trip through the database; rejects when it cannot be reached. */
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
  };
}

export type HealthRepository = ReturnType<typeof createHealthRepository>;
