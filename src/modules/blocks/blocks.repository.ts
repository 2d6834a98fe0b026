import type { Kysely } from 'kysely';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';

export interface BlockRecord {
  readonly user: User;
  readonly created_at: number;
}

/** The block `blockerId` placed on `blockedId`, if any: read alone, or as a condition of another statement. */
export function blockOf(db: Kysely<DatabaseSchema>, blockerId: number, blockedId: number) {
  return db.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId);
}

export function createBlocksRepository(db: Kysely<DatabaseSchema>) {
  const blockOfUser = prepareQuery((blockerId: number, blockedId: number) => blockOf(db, blockerId, blockedId));

  return {
    /** Records the block; blocking someone already blocked changes nothing. Returns whether it was new. */
    async insert(blockerId: number, blockedId: number, at: number): Promise<boolean> {
      const result = await db.insertInto('blocks')
        .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: at })
        .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async delete(blockerId: number, blockedId: number): Promise<boolean> {
      const result = await db.deleteFrom('blocks')
        .where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async createdAt(blockerId: number, blockedId: number): Promise<number | undefined> {
      const row = await db.selectFrom('blocks').select('created_at')
        .where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();
      return row?.created_at;
    },

    async isBlocked(blockerId: number, blockedId: number): Promise<boolean> {
      return (await blockOfUser.first(db, blockerId, blockedId)) !== undefined;
    },

    async countBy(blockerId: number): Promise<number> {
      const row = await db.selectFrom('blocks').select((eb) => eb.fn.countAll<number>().as('count'))
        .where('blocker_id', '=', blockerId).executeTakeFirstOrThrow();
      return Number(row.count);
    },

    async pageBy(blockerId: number, offset: number, limit: number): Promise<BlockRecord[]> {
      const rows = await db.selectFrom('blocks')
        .innerJoin('users', 'users.id', 'blocks.blocked_id')
        .select(['users.id', 'users.username', 'users.email', 'blocks.created_at'])
        .where('blocks.blocker_id', '=', blockerId)
        .orderBy('users.username_lower').limit(rowLimit(limit)).offset(offset).execute();
      return rows.map((row) => ({ user: { id: row.id, username: row.username, email: row.email }, created_at: row.created_at }));
    },
  };
}

export type BlocksRepository = ReturnType<typeof createBlocksRepository>;
