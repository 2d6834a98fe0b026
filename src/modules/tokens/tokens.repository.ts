import type { Kysely } from 'kysely';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';

export function createTokensRepository(db: Kysely<DatabaseSchema>) {
  // Every request made with a token runs this.
  const tokenUser = prepareQuery((idHash: string) => db.selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.username', 'users.email'])
    .where('api_tokens.id_hash', '=', idHash)
    .where('users.is_active', '=', 1));

  return {
    async insert(idHash: string, userId: number, createdAt: number): Promise<void> {
      await db.insertInto('api_tokens').values({ id_hash: idHash, user_id: userId, created_at: createdAt }).execute();
    },

    /** The active user holding the token with this hash. */
    findUser(idHash: string): Promise<User | undefined> {
      return tokenUser.first(db, idHash);
    },

    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('api_tokens').where('id_hash', '=', idHash).execute();
    },
  };
}

export type TokensRepository = ReturnType<typeof createTokensRepository>;
