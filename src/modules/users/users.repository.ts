import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { DatabaseSchema } from '../../db/schema.js';
import { emailKey, isEmailLike, type User, usernameKey } from './user.js';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  dateJoined: number;
}

// The highest code point: every username starting with a prefix sorts below prefix + this.
const PREFIX_END = '\u{10FFFF}';

export function createUsersRepository(db: Kysely<DatabaseSchema>) {
  const columns = ['id', 'username', 'email'] as const;

  return {
    async insert(user: NewUser): Promise<User> {
      return db.insertInto('users')
        .values({
          username: user.username,
          username_lower: usernameKey(user.username),
          email: user.email,
          email_lower: emailKey(user.email),
          password_hash: user.passwordHash,
          is_active: 1,
          date_joined: user.dateJoined,
        })
        .returning(columns)
        .executeTakeFirstOrThrow();
    },

    async usernameTaken(username: string): Promise<boolean> {
      const row = await db.selectFrom('users').select('id')
        .where('username_lower', '=', usernameKey(username)).executeTakeFirst();
      return row !== undefined;
    },

    async emailTaken(email: string): Promise<boolean> {
      const row = await db.selectFrom('users').select('id')
        .where('email_lower', '=', emailKey(email)).executeTakeFirst();
      return row !== undefined;
    },

    /** An active user by username or email (an identifier with '@' is an email). */
    findActiveByIdentifier(identifier: string): Promise<User | undefined> {
      return activeByIdentifier(identifier).select(columns).executeTakeFirst();
    },

    /** The same lookup with the password hash, for logging in. */
    findCredentials(identifier: string): Promise<(User & { password_hash: string }) | undefined> {
      return activeByIdentifier(identifier).select([...columns, 'password_hash']).executeTakeFirst();
    },

    /** A user by username or email, active or not. */
    async findAccount(identifier: string): Promise<(User & { active: boolean }) | undefined> {
      const row = await byIdentifier(db.selectFrom('users'), identifier)
        .select([...columns, 'is_active']).executeTakeFirst();
      return row && { id: row.id, username: row.username, email: row.email, active: row.is_active === 1 };
    },

    /**
     * Marks the user inactive and deletes every session and API token of theirs, in one transaction;
     * answers the hashes of the sessions and tokens that ended.
     */
    async deactivate(userId: number): Promise<{ sessionHashes: string[]; tokenHashes: string[] }> {
      return db.transaction().execute(async (trx) => {
        await trx.updateTable('users').set({ is_active: 0 }).where('id', '=', userId).execute();
        const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).returning('id_hash').execute();
        const tokens = await trx.deleteFrom('api_tokens').where('user_id', '=', userId).returning('id_hash').execute();
        return { sessionHashes: sessions.map((row) => row.id_hash), tokenHashes: tokens.map((row) => row.id_hash) };
      });
    },

    async activate(userId: number): Promise<void> {
      await db.updateTable('users').set({ is_active: 1 }).where('id', '=', userId).execute();
    },

    /** How many users `listed` holds; `pageListed` gives them by username. */
    async countListed(excludeId: number, prefix: string): Promise<number> {
      const row = await listed(excludeId, prefix)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },

    pageListed(excludeId: number, prefix: string, offset: number, limit: number): Promise<User[]> {
      return listed(excludeId, prefix).select(columns)
        .orderBy('username_lower').limit(limit).offset(offset).execute();
    },
  };

  function activeByIdentifier(identifier: string) {
    return byIdentifier(db.selectFrom('users').where('is_active', '=', 1), identifier);
  }

  /** Active users other than the caller, less those the caller blocked. */
  function listed(excludeId: number, prefix: string) {
    let query = db.selectFrom('users').where('is_active', '=', 1).where('id', '!=', excludeId)
      .where('id', 'not in', db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', excludeId));
    if (prefix.includes('\0')) return query.where(sql<boolean>`false`);
    const key = usernameKey(prefix);
    if (key) query = query.where('username_lower', '>=', key).where('username_lower', '<', key + PREFIX_END);
    return query;
  }
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

type UsersQuery = SelectQueryBuilder<DatabaseSchema, 'users', object>;

function byIdentifier(query: UsersQuery, identifier: string): UsersQuery {
  // No name holds a NUL, and PostgreSQL refuses to compare text with one: such a lookup matches nobody.
  if (identifier.includes('\0')) return query.where(sql<boolean>`false`);
  return isEmailLike(identifier)
    ? query.where('email_lower', '=', emailKey(identifier))
    : query.where('username_lower', '=', usernameKey(identifier));
}
