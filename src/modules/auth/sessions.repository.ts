import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../db/schema.js';
import type { User } from '../users/user.js';

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

export function createSessionsRepository(db: Kysely<DatabaseSchema>) {
  return {
    async insert(session: NewSession): Promise<void> {
      await db.insertInto('sessions').values({
        id_hash: session.idHash,
        user_id: session.userId,
        csrf_secret: session.csrfSecret,
        created_at: session.createdAt,
        last_seen_at: session.createdAt,
        expires_at: session.expiresAt,
      }).execute();
    },

    /** The unexpired session with this hash, and its active user. */
    async findActive(idHash: string, now: number): Promise<ActiveSession | undefined> {
      const row = await db.selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['sessions.id_hash', 'sessions.csrf_secret', 'sessions.last_seen_at', 'sessions.expires_at',
          'users.id', 'users.username', 'users.email'])
        .where('sessions.id_hash', '=', idHash)
        .where('sessions.expires_at', '>', now)
        .where('users.is_active', '=', 1)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        idHash: row.id_hash,
        csrfSecret: row.csrf_secret,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        user: { id: row.id, username: row.username, email: row.email },
      };
    },

    async delete(idHash: string): Promise<void> {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },

    async deleteExpired(now: number): Promise<number> {
      const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

export type SessionsRepository = ReturnType<typeof createSessionsRepository>;
