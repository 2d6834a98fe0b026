import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import { DELETED_ACCOUNT_DOMAIN, emailKey, type IdentifierColumn, identifierLookup, type User, usernameKey } from './user.js';

export interface NewUser {
  username: string;
  email: string;
  passwordHash: string;
  dateJoined: number;
}

// The highest code point: every username starting with a prefix sorts below prefix + this.
const PREFIX_END = '\u{10FFFF}';

/** Active, as a literal rather than a bound value, for the planner to see. */
const ACTIVE = sql.lit(1);

/** The active user whose username or email key is `key`: alone, or as part of another statement. */
export function activeUserBy(db: Kysely<DatabaseSchema>, column: IdentifierColumn, key: string) {
  return db.selectFrom('users').select(['id', 'username', 'email']).where('is_active', '=', ACTIVE).where(column, '=', key);
}

/** `erased`: told after a commit that erased an account's data (see Database.erased). */
export function createUsersRepository(db: Kysely<DatabaseSchema>, erased: () => void = () => {}) {
  const columns = ['id', 'username', 'email'] as const;

  // Blocking looks a user up, and the users list runs on every visit: built and compiled once.
  const activeBy = (column: IdentifierColumn) => prepareQuery((key: string) => activeUserBy(db, column, key));
  const activeByColumn = { username_lower: activeBy('username_lower'), email_lower: activeBy('email_lower') };
  // The whole list's count without counting every active user: the kept total, less the caller and
  // the active users they blocked (a block of oneself cannot be made, but would not count twice). Each
  // block's user is looked up by primary key, in a subquery the planner cannot make into a join: joined,
  // it may scan every user to hash them.
  const countAll = prepareQuery((excludeId: number) => db.selectFrom('user_totals')
    .select((eb) => eb(eb('active_users', '-',
      eb.selectFrom('users').select((inner) => inner.fn.countAll<number>().as('n'))
        .where('id', '=', excludeId).where('is_active', '=', ACTIVE)), '-',
    eb.selectFrom('blocks')
      .select((inner) => inner.fn.countAll<number>().as('n'))
      .where('blocks.blocker_id', '=', excludeId).where('blocks.blocked_id', '!=', excludeId)
      .where((inner) => inner.selectFrom('users').select('users.is_active').whereRef('users.id', '=', 'blocks.blocked_id'), '=', ACTIVE))
      .as('count'))
    .where('id', '=', 1));
  const countByPrefix = prepareQuery((excludeId: number, from: string, below: string) => listed(excludeId)
    .where('username_lower', '>=', from).where('username_lower', '<', below)
    .select((eb) => eb.fn.countAll<number>().as('count')));
  const pageAll = prepareQuery((excludeId: number, limit: number, offset: number) => listed(excludeId)
    .select(columns).orderBy('username_lower').limit(rowLimit(limit)).offset(offset));
  const pageByPrefix = prepareQuery((excludeId: number, from: string, below: string, limit: number, offset: number) =>
    listed(excludeId).where('username_lower', '>=', from).where('username_lower', '<', below)
      .select(columns).orderBy('username_lower').limit(rowLimit(limit)).offset(offset));

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
    async findActiveByIdentifier(identifier: string): Promise<User | undefined> {
      const lookup = identifierLookup(identifier);
      return lookup === null ? undefined : activeByColumn[lookup.column].first(db, lookup.key);
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

    /**
     * Deletes an account, in one transaction: the user row stays, so that their conversations keep their
     * shape for their peers, but as `placeholder` (its username, and an address of the reserved `.invalid`
     * domain), inactive and with no password hash; their sessions, API tokens and blocks either way are
     * deleted. Answers the hashes of the sessions and tokens that ended.
     */
    async erase(userId: number, placeholder: string): Promise<{ sessionHashes: string[]; tokenHashes: string[] }> {
      const ended = await db.transaction().execute(async (trx) => {
        const address = `${placeholder}@${DELETED_ACCOUNT_DOMAIN}`;
        await trx.updateTable('users').set({
          is_active: 0, username: placeholder, username_lower: usernameKey(placeholder),
          email: address, email_lower: emailKey(address), password_hash: '',
        }).where('id', '=', userId).execute();
        const sessions = await trx.deleteFrom('sessions').where('user_id', '=', userId).returning('id_hash').execute();
        const tokens = await trx.deleteFrom('api_tokens').where('user_id', '=', userId).returning('id_hash').execute();
        await trx.deleteFrom('blocks').where((eb) => eb.or([eb('blocker_id', '=', userId), eb('blocked_id', '=', userId)])).execute();
        return { sessionHashes: sessions.map((row) => row.id_hash), tokenHashes: tokens.map((row) => row.id_hash) };
      });
      erased();
      return ended;
    },

    /**
     * Replaces the password hash `previous` with `next`, unless it changed meanwhile (a second login
     * upgrading the same hash at the same moment writes nothing).
     */
    async replacePasswordHash(userId: number, previous: string, next: string): Promise<void> {
      await db.updateTable('users').set({ password_hash: next }).where('id', '=', userId).where('password_hash', '=', previous).execute();
    },

    /** Marks the user active again; false for a deleted account (no password hash), which stays deleted. */
    async activate(userId: number): Promise<boolean> {
      const result = await db.updateTable('users').set({ is_active: 1 }).where('id', '=', userId).where('password_hash', '<>', '')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /**
     * How many active users other than `excludeId`, less those it blocked, have a username starting
     * with `prefix` (any, when empty); `pageListed` gives them by username.
     */
    async countListed(excludeId: number, prefix: string): Promise<number> {
      const range = prefixRange(prefix);
      if (range === null) return 0;
      const row = range.from === ''
        ? await countAll.first(db, excludeId)
        : await countByPrefix.first(db, excludeId, range.from, range.below);
      return Number(row!.count);
    },

    async pageListed(excludeId: number, prefix: string, offset: number, limit: number): Promise<User[]> {
      const range = prefixRange(prefix);
      if (range === null) return [];
      return range.from === ''
        ? pageAll.all(db, excludeId, limit, offset)
        : pageByPrefix.all(db, excludeId, range.from, range.below, limit, offset);
    },
  };

  function activeByIdentifier(identifier: string) {
    return byIdentifier(db.selectFrom('users').where('is_active', '=', 1), identifier);
  }

  /**
   * Active users other than the caller, less those the caller blocked. Active is written `is_active <> 0`,
   * as the index of active users by name (migration 0005) is: without statistics PostgreSQL reckons that
   * an equality holds for one row in 200, `<>` for all but one in 200, so with `= 1` a fresh database's
   * planner expected a page beyond the first to exhaust the table, and sorted it rather than read the index.
   */
  function listed(excludeId: number) {
    return db.selectFrom('users').where('is_active', '<>', sql.lit(0)).where('id', '!=', excludeId)
      .where('id', 'not in', db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', excludeId));
  }
}

/**
 * The range of lower-cased usernames that start with `prefix`: from the prefix's key up to that key
 * followed by the highest code point. `from` is empty for no prefix; null when nothing can match.
 */
function prefixRange(prefix: string): { from: string; below: string } | null {
  // The whole list, asked for on every visit: the empty prefix needs no normalizing.
  if (prefix === '') return { from: '', below: PREFIX_END };
  if (prefix.includes('\0')) return null;
  const from = usernameKey(prefix);
  return { from, below: from + PREFIX_END };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;

type UsersQuery = SelectQueryBuilder<DatabaseSchema, 'users', object>;

function byIdentifier(query: UsersQuery, identifier: string): UsersQuery {
  const lookup = identifierLookup(identifier);
  return lookup === null ? query.where(sql<boolean>`false`) : query.where(lookup.column, '=', lookup.key);
}

/**
 * The row of `userId` while the user is active, to write a session or an API token from in the same
 * statement, so that none is made for a user being deactivated: deactivation deletes the user's
 * sessions and tokens, and one written after that would work again on reactivation. On PostgreSQL the
 * row is locked FOR SHARE: a deactivation in progress is waited for, and then the check finds no row;
 * one that starts later waits for the insert to commit, and deletes what it wrote. SQLite runs one
 * write at a time.
 */
export function activeUserRow(db: Kysely<DatabaseSchema>, dialect: Dialect, userId: number) {
  const row = db.selectFrom('users').where('users.id', '=', userId).where('users.is_active', '=', 1);
  return dialect === 'postgres' ? row.forShare() : row;
}
