import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';

export function createTokensRepository(db: Kysely<DatabaseSchema>, dialect: Dialect) {
  // Every request made with a token runs this.
  const tokenUser = prepareQuery((idHash: string) => db.selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.username', 'users.email'])
    .where('api_tokens.id_hash', '=', idHash)
    .where('users.is_active', '=', 1));

  return {
    /**
     * Stores a token for the user unless they are no longer active (see activeUserRow) or hold `most`
     * tokens already. On PostgreSQL the user's row is locked FOR UPDATE first, so that concurrent
     * requests of one user are counted one after the other; SQLite runs one write at a time.
     */
    async insert(idHash: string, userId: number, createdAt: number, most: number): Promise<'inserted' | 'inactive' | 'full'> {
      return db.transaction().execute(async (trx) => {
        const user = trx.selectFrom('users').select('id').where('id', '=', userId).where('is_active', '=', 1);
        if (!(await (dialect === 'postgres' ? user.forUpdate() : user).executeTakeFirst())) return 'inactive';
        const { count } = await trx.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('count'))
          .where('user_id', '=', userId).executeTakeFirstOrThrow();
        if (Number(count) >= most) return 'full';
        await trx.insertInto('api_tokens').values({ id_hash: idHash, user_id: userId, created_at: createdAt }).execute();
        return 'inserted';
      });
    },

    /** The active user holding the token with this hash. */
    findUser(idHash: string): Promise<User | undefined> {
      return tokenUser.first(db, idHash);
    },

    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('api_tokens').where('id_hash', '=', idHash).execute();
    },

    async countBy(userId: number): Promise<number> {
      const row = await db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', userId).executeTakeFirstOrThrow();
      return Number(row.count);
    },

    /** The user's tokens, newest first. */
    pageBy(userId: number, offset: number, limit: number): Promise<{ id_hash: string; created_at: number }[]> {
      return db.selectFrom('api_tokens').select(['id_hash', 'created_at']).where('user_id', '=', userId)
        .orderBy('created_at', 'desc').orderBy('id_hash').limit(rowLimit(limit)).offset(offset).execute();
    },

    /** Deletes the user's token whose hash starts with `prefix`; answers its hash, or undefined. */
    async deleteByPrefix(userId: number, prefix: string): Promise<string | undefined> {
      const rows = await db.deleteFrom('api_tokens')
        .where('user_id', '=', userId).where(sql<string>`substr(id_hash, 1, ${prefix.length})`, '=', prefix)
        .returning('id_hash').execute();
      return rows[0]?.id_hash;
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
