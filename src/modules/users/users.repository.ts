import { type Kysely, sql } from 'kysely';
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

    async recordLogin(userId: number, at: number): Promise<void> {
      await db.updateTable('users').set({ last_login: at }).where('id', '=', userId).execute();
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
    const query = db.selectFrom('users').where('is_active', '=', 1);
    // No name holds a NUL, and PostgreSQL refuses to compare text with one: such a lookup matches nobody.
    if (identifier.includes('\0')) return query.where(sql<boolean>`false`);
    return isEmailLike(identifier)
      ? query.where('email_lower', '=', emailKey(identifier))
      : query.where('username_lower', '=', usernameKey(identifier));
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
