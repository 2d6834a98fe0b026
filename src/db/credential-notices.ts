import { createHash, randomBytes } from 'node:crypto';
import type { Sql } from 'postgres';
import type { PostgresAccess } from './database.js';

/** What ended: sessions or API tokens by hash, users by id (deactivated), or anything at all. */
export type EndedCredentials = { readonly hashes: readonly string[]; readonly userIds: readonly number[] } | 'all';

/**
 * The notices that migration 0004's triggers send when sessions or API tokens end or users are
 * deactivated, heard on a connection of this instance's own.
 */
export interface CredentialNotices {
  /**
   * Whether notices are being heard now. While they are not (at start, or after the connection broke
   * until it listens again), nothing may be kept in memory on the strength of them.
   */
  readonly listening: boolean;
  /** Told of every notice; told 'all' when listening stops or starts again, since notices may have been missed. */
  onEnded(handler: (ended: EndedCredentials) => void): void;
  /**
   * Resolves once every instance listening (this one included) has heard every notice of a transaction
   * committed before the call, or after `timeoutMs` when one does not answer, which is logged.
   */
  heardEverywhere(): Promise<void>;
  close(): Promise<void>;
}

interface Logger {
  warn(object: object, message: string): void;
}

export interface CredentialNoticesOptions {
  /** How long `heardEverywhere` waits for an instance that does not answer. */
  readonly timeoutMs?: number;
  readonly log: Logger;
}

/** The first key of the advisory lock that each listening connection holds shared, so that listeners can be counted. */
const LISTENER_LOCK_CLASS = 7_270_002;
const RETRY_MS = [100, 500, 1000, 2000];
const BARRIER = 'barrier:';
const HEARD = 'heard:';

/**
 * Listens on the notice channel of the database's schema. Counting the instances that must confirm a
 * barrier relies on each listening connection holding a shared advisory lock keyed by the channel:
 * PostgreSQL releases it when the connection ends, however it ends.
 *
 * `heardEverywhere` makes an end of a credential as immediate on every instance as on this one: it counts
 * the listening connections, sends a barrier notice, and waits until each has answered it. Notices reach a
 * listener in the order their transactions committed, so a listener that answers the barrier has heard
 * every notice committed before it, and dropped what they name.
 */
export async function listenForEndedCredentials(postgres: PostgresAccess, options: CredentialNoticesOptions): Promise<CredentialNotices> {
  const { pool } = postgres;
  const timeoutMs = options.timeoutMs ?? 2000;
  const [{ schema }] = await pool.unsafe<{ schema: string }[]>('select current_schema() as schema');
  const schemaHash = createHash('md5').update(schema).digest('hex');
  const channel = `credentials_ended:${schemaHash}`;
  const lockKey = Number.parseInt(schemaHash.slice(0, 7), 16);
  const instance = randomBytes(6).toString('hex');
  const handlers: ((ended: EndedCredentials) => void)[] = [];
  const barriers = new Map<string, { expected: number; heard: number; done: () => void }>();
  let barrierCount = 0;
  let listening = false;
  let closing = false;
  let retry: NodeJS.Timeout | null = null;

  const emit = (ended: EndedCredentials) => {
    for (const handler of handlers) handler(ended);
  };

  function receive(payload: string): void {
    if (payload.startsWith(BARRIER)) {
      pool.notify(channel, HEARD + payload.slice(BARRIER.length)).catch(() => {});
    } else if (payload.startsWith(HEARD)) {
      const barrier = barriers.get(payload.slice(HEARD.length));
      if (barrier && ++barrier.heard >= barrier.expected) barrier.done();
    } else if (payload === '*') {
      emit('all');
    } else {
      const hashes: string[] = [];
      const userIds: number[] = [];
      for (const word of payload.split(' ')) {
        if (word.startsWith('user:')) userIds.push(Number(word.slice('user:'.length)));
        else if (word !== '') hashes.push(word);
      }
      emit({ hashes, userIds });
    }
  }

  const listener: Sql = postgres.connectAlone({
    onnotify: (heardOn, payload) => {
      if (heardOn === channel) receive(payload);
    },
    onclose: () => {
      if (closing || !listening) return;
      options.log.warn({ connection: 'notices' }, 'database connection lost');
      listening = false;
      emit('all');
      listenAgain(0);
    },
  });

  async function listen(): Promise<void> {
    await listener.unsafe(`listen "${channel}"`);
    await listener.unsafe('select pg_advisory_lock_shared($1, $2)', [LISTENER_LOCK_CLASS, lockKey]);
    // Reads made before this may have missed a notice: they are not to be kept.
    emit('all');
    listening = true;
  }

  function listenAgain(attempt: number): void {
    if (closing) return;
    retry = setTimeout(() => {
      retry = null;
      listen().catch(() => listenAgain(attempt + 1));
    }, RETRY_MS[Math.min(attempt, RETRY_MS.length - 1)]);
  }

  try {
    await listen();
  } catch {
    listenAgain(0);
  }

  return {
    get listening() {
      return listening;
    },
    onEnded(handler) {
      handlers.push(handler);
    },
    async heardEverywhere() {
      const [{ listeners }] = await pool.unsafe<{ listeners: number }[]>(`select count(*) as listeners from pg_locks
        where locktype = 'advisory' and classid = $1 and objid = $2 and objsubid = 2 and granted
          and database = (select oid from pg_database where datname = current_database())`, [LISTENER_LOCK_CLASS, lockKey]);
      if (listeners === 0) return;
      const token = `${instance}.${++barrierCount}`;
      let timer: NodeJS.Timeout | undefined;
      const heard = new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          barriers.delete(token);
          resolve();
        };
        barriers.set(token, { expected: listeners, heard: 0, done });
        timer = setTimeout(() => {
          options.log.warn({ listeners, answered: barriers.get(token)?.heard ?? 0, timeoutMs },
            'not every instance confirmed an ended session or token in time');
          done();
        }, timeoutMs);
      });
      await pool.notify(channel, BARRIER + token);
      await heard;
    },
    async close() {
      closing = true;
      if (retry) clearTimeout(retry);
      for (const barrier of barriers.values()) barrier.done();
      await listener.end({ timeout: 1 });
    },
  };
}
