import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Algorithm, hash } from '@node-rs/argon2';
import { hashingBusy } from '../../errors.js';
import { djangoArgon2AsPhc, isDjangoPbkdf2Hash, verifyDjangoPbkdf2 } from './django-password-hashes.js';

// Algorithm is a const enum, which isolated modules cannot read: 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

// OWASP's argon2id parameters.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;
/** How every hash made with ARGON2_OPTIONS begins. */
const CURRENT_HASH_PREFIX = '$argon2id$v=19$m=19456,t=2,p=1$';

/**
 * Hashes run on threads, but each keeps a core busy for its whole ~15 ms: as many at once as there are
 * cores would starve the event loop, and every other request with it, during a storm of logins. One
 * core is left to the event loop, and at most four hash at once (each thread keeps about 12 MiB, and
 * the core count may be the host's rather than the container's); logins beyond that wait their turn.
 */
const HASHING_SLOTS = Math.min(4, Math.max(1, availableParallelism() - 1));
/**
 * How far below the service's the priority of the hashing threads is (a Linux nice value; 19 is the
 * lowest): when requests keep every core busy, the kernel runs them before a hash, and logins wait.
 * Other systems set priorities per process, not per thread, so there the threads keep the service's.
 */
const HASHING_NICENESS = process.platform === 'linux' ? 10 : 0;

/**
 * Hashes that may wait for a slot. Past this a login, registration or token request is refused with 503
 * at once rather than queued: at about 15 ms a hash, the last one waiting already waits a second or more
 * on one slot, and a client would give up before its turn came.
 */
export const HASHING_QUEUE_LIMIT = 64;

let hashing = 0;
const waiting: (() => void)[] = [];

async function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= HASHING_SLOTS) {
    if (waiting.length >= HASHING_QUEUE_LIMIT) throw hashingBusy();
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else {
    hashing += 1;
  }
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else hashing -= 1;
  }
}

/** What argon2 itself refused: a stored hash it cannot read. Any other failure is the thread's. */
class HashingTaskError extends Error {}

type HashingTask =
  | { task: 'hash'; password: string; options: typeof ARGON2_OPTIONS }
  | { task: 'verify'; hash: string; password: string };

/**
 * A worker thread that hashes and verifies passwords (`hashing-thread.mjs`), one task at a time, at the
 * lower priority. It keeps the process alive only while it has a task.
 */
class HashingThread {
  readonly #worker: Worker;
  #current: { resolve(value: unknown): void; reject(error: Error): void } | null = null;
  #alive = true;

  constructor() {
    this.#worker = new Worker(new URL('./hashing-thread.mjs', import.meta.url), { workerData: { niceness: HASHING_NICENESS } });
    this.#worker.unref();
    this.#worker.on('message', (reply: { value?: unknown; error?: string }) => {
      this.#settle(reply.error === undefined ? { value: reply.value } : { error: new HashingTaskError(reply.error) });
    });
    this.#worker.on('error', (error) => {
      this.#alive = false;
      this.#settle({ error });
    });
    this.#worker.on('exit', (code) => {
      this.#alive = false;
      this.#settle({ error: new Error(`the hashing thread stopped (exit code ${code})`) });
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  run(task: HashingTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.#current = { resolve, reject };
      this.#worker.ref();
      this.#worker.postMessage(task);
    });
  }

  #settle(outcome: { value: unknown } | { error: Error }): void {
    const current = this.#current;
    if (current === null) return;
    this.#current = null;
    this.#worker.unref();
    if ('error' in outcome) current.reject(outcome.error);
    else current.resolve(outcome.value);
  }
}

// Threads are started as hashes need them, at most one per slot, and kept for the next.
const idleThreads: HashingThread[] = [];

function onHashingThread(task: HashingTask): Promise<unknown> {
  return inHashingSlot(async () => {
    let thread = idleThreads.pop();
    while (thread !== undefined && !thread.alive) thread = idleThreads.pop();
    thread ??= new HashingThread();
    try {
      return await thread.run(task);
    } finally {
      if (thread.alive) idleThreads.push(thread);
    }
  });
}

export async function hashPassword(password: string): Promise<string> {
  return await onHashingThread({ task: 'hash', password, options: ARGON2_OPTIONS }) as string;
}

/** The same hash without waiting for a slot: for bulk loads, where no request waits for the event loop. */
export function bulkHashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** How passwords are hashed and checked. The service takes one, so a test can watch it work. */
export interface Passwords {
  hash(password: string): Promise<string>;
  /** False for a wrong password, and for a hash that cannot be read. Django's formats are read too. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /** Whether a stored hash is this service's own argon2id; any other is replaced at the next login. */
  isCurrent(storedHash: string): boolean;
  /**
   * The hash of a password nobody has, made with the same parameters: an unknown or inactive user's
   * login is verified against it, so that it costs what a wrong password costs.
   */
  dummyHash(): Promise<string>;
}

let dummy: Promise<string> | null = null;

export const argon2Passwords: Passwords = {
  hash: hashPassword,

  async verify(storedHash, password) {
    // Hashes imported from the Django service keep their format until their user next logs in.
    if (isDjangoPbkdf2Hash(storedHash)) return inHashingSlot(() => verifyDjangoPbkdf2(storedHash, password));
    try {
      const hash = djangoArgon2AsPhc(storedHash) ?? storedHash;
      return await onHashingThread({ task: 'verify', hash, password }) as boolean;
    } catch (error) {
      if (error instanceof HashingTaskError) return false;
      throw error;
    }
  },

  isCurrent(storedHash) {
    return storedHash.startsWith(CURRENT_HASH_PREFIX);
  },

  dummyHash() {
    dummy ??= hashPassword(randomBytes(32).toString('base64url'));
    return dummy;
  },
};
