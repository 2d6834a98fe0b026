import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { commitDurably } from '../../db/durable-commit.js';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';
import { activeUserRow } from '../users/users.repository.js';

export interface NewSession {
  idHash: string;
  userId: number;
  csrfSecret: string;
  createdAt: number;
  expiresAt: number;
}

export interface ActiveSession {
  readonly idHash: string;
  readonly csrfSecret: string;
  readonly lastSeenAt: number;
  readonly expiresAt: number;
  readonly user: User;
}

export function createSessionsRepository(db: Kysely<DatabaseSchema>, dialect: Dialect) {
  // Every request made with a session runs this.
  const activeSession = prepareQuery((idHash: string, now: number) => db.selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['sessions.id_hash', 'sessions.csrf_secret', 'sessions.last_seen_at', 'sessions.expires_at',
      'users.id', 'users.username', 'users.email'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .where('users.is_active', '=', 1));
  // The writes of a login, a logout and a session in use.
  // Only for a user still active: see activeUserRow.
  const insertSession = prepareQuery((idHash: string, userId: number, csrfSecret: string, createdAt: number, expiresAt: number) =>
    db.insertInto('sessions')
      .columns(['id_hash', 'user_id', 'csrf_secret', 'created_at', 'last_seen_at', 'expires_at'])
      .expression(activeUserRow(db, dialect, userId).select([
        sql<string>`cast(${idHash} as text)`.as('id_hash'), 'users.id',
        sql<string>`cast(${csrfSecret} as text)`.as('csrf_secret'),
        sql<number>`cast(${createdAt} as bigint)`.as('created_at'), sql<number>`cast(${createdAt} as bigint)`.as('last_seen_at'),
        sql<number>`cast(${expiresAt} as bigint)`.as('expires_at'),
      ])));
  const deleteSession = prepareQuery((idHash: string) => db.deleteFrom('sessions').where('id_hash', '=', idHash));
  const recordLogin = prepareQuery((userId: number, at: number) => db.updateTable('users').set({ last_login: at }).where('id', '=', userId));
  const touchSession = prepareQuery((idHash: string, at: number) => db.updateTable('sessions').set({ last_seen_at: at })
    .where('id_hash', '=', idHash).where('last_seen_at', '<', at));

  return {
    /**
     * A login's writes, in one transaction (one commit, so one fsync on SQLite, made off the event loop):
     * the new session, the user's last login time, and the end of the session it replaces, if any.
     */
    async insert(session: NewSession, replacingIdHash?: string): Promise<void> {
      // The user's row is updated before the session is inserted: the insert reads that row FOR SHARE on
      // PostgreSQL, and two logins of one user that each held it shared and then asked to update it would
      // deadlock. Updating first, the second login waits for the first at its first lock on the row.
      await commitDurably(db, [
        ...(replacingIdHash === undefined ? [] : [deleteSession.bound(replacingIdHash)]),
        recordLogin.bound(session.userId, session.createdAt),
        insertSession.bound(session.idHash, session.userId, session.csrfSecret, session.createdAt, session.expiresAt),
      ]);
    },

    /** The unexpired session with this hash, and its active user. */
    async findActive(idHash: string, now: number): Promise<ActiveSession | undefined> {
      const row = await activeSession.first(db, idHash, now);
      if (!row) return undefined;
      return {
        idHash: row.id_hash,
        csrfSecret: row.csrf_secret,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        user: { id: row.id, username: row.username, email: row.email },
      };
    },

    /** A logout, or the end of an idle session: committed off the event loop, as a login is. */
    async delete(idHash: string): Promise<void> {
      await commitDurably(db, [deleteSession.bound(idHash)]);
    },

    /**
     * Records activity; a no-op when a request already recorded a later time. Each session in use writes
     * once a minute at most, but a service with many users in use writes often: off the event loop too.
     */
    async touch(idHash: string, at: number): Promise<void> {
      await commitDurably(db, [touchSession.bound(idHash, at)]);
    },

    /**
     * Deletes the user's sessions but `current` and the newest others (by creation), `keep` in all; answers
     * their hashes. `current`, the one just made, stays whatever the clocks of the instances that made the
     * others say.
     */
    async deleteAllButNewest(userId: number, current: string, keep: number): Promise<string[]> {
      const rows = await db.deleteFrom('sessions')
        .where('user_id', '=', userId)
        .where('id_hash', '<>', current)
        .where('id_hash', 'not in', db.selectFrom('sessions').select('id_hash').where('user_id', '=', userId)
          .where('id_hash', '<>', current)
          .orderBy('created_at', 'desc').orderBy('id_hash', 'desc').limit(rowLimit(keep - 1)))
        .returning('id_hash').execute();
      return rows.map((row) => row.id_hash);
    },

    /** Deletes the sessions past their absolute lifetime; answers how many. */
    async deleteExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Deletes the sessions not used since `lastSeenAtOrBefore`; answers their hashes. */
    async deleteIdle(lastSeenAtOrBefore: number): Promise<string[]> {
      const rows = await db.deleteFrom('sessions').where('last_seen_at', '<=', lastSeenAtOrBefore)
        .returning('id_hash').execute();
      return rows.map((row) => row.id_hash);
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
