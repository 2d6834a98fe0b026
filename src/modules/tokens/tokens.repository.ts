import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';
import { activeUserRow } from '../users/users.repository.js';

export function createTokensRepository(db: Kysely<DatabaseSchema>, dialect: Dialect = 'sqlite') {
  // Every request made with a token runs this.
  const tokenUser = prepareQuery((idHash: string) => db.selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select(['users.id', 'users.username', 'users.email'])
    .where('api_tokens.id_hash', '=', idHash)
    .where('users.is_active', '=', 1));

  return {
    /** Stores a token for the user unless they are no longer active (see activeUserRow); answers whether it did. */
    async insert(idHash: string, userId: number, createdAt: number): Promise<boolean> {
      const result = await db.insertInto('api_tokens').columns(['id_hash', 'user_id', 'created_at'])
        .expression(activeUserRow(db, dialect, userId).select([
          sql<string>`cast(${idHash} as text)`.as('id_hash'), 'users.id', sql<number>`cast(${createdAt} as bigint)`.as('created_at'),
        ]))
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
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
