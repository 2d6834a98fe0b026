import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { type Algorithm, hash, verify } from '@node-rs/argon2';

// Algorithm is a const enum, which isolated modules cannot read: 2 is its Argon2id.
const ARGON2ID = 2 as Algorithm;

// OWASP's argon2id parameters; hashing runs on libuv's thread pool, off the event loop.
const ARGON2_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/**
 * Hashes run on threads, but each keeps a core busy for its whole ~15 ms: as many at once as there are
 * cores would starve the event loop, and every other request with it, during a storm of logins. One
 * core is left to the event loop; logins beyond that wait their turn.
 */
const HASHING_SLOTS = Math.max(1, availableParallelism() - 1);
let hashing = 0;
const waiting: (() => void)[] = [];

async function inHashingSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= HASHING_SLOTS) await new Promise<void>((resolve) => waiting.push(resolve));
  else hashing += 1;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else hashing -= 1;
  }
}

export function hashPassword(password: string): Promise<string> {
  return inHashingSlot(() => bulkHashPassword(password));
}

/** The same hash without waiting for a slot: for bulk loads, where no request waits for the event loop. */
export function bulkHashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** How passwords are hashed and checked. The service takes one, so a test can watch it work. */
export interface Passwords {
  hash(password: string): Promise<string>;
  /** False for a wrong password, and for a hash that cannot be read. */
  verify(storedHash: string, password: string): Promise<boolean>;
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
    try {
      return await inHashingSlot(() => verify(storedHash, password));
    } catch {
      return false;
    }
  },

  dummyHash() {
    dummy ??= hashPassword(randomBytes(32).toString('base64url'));
    return dummy;
  },
};
