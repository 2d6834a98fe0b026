/**
 * Password hashes of the filled users, made by the service's own bulkHashPassword (argon2id with its
 * parameters), so that logging in costs what it costs for a registered user. Hashing runs on libuv's
 * thread pool: several at a time keep every core busy.
 */
import os from 'node:os';
import { bulkHashPassword } from '../src/modules/auth/passwords.js';
import { passwordOf, usernameOf } from './fill-plan.js';

/** The hash of user `i`'s password at index i - 1. */
export async function hashUserPasswords(users: number, onProgress?: (done: number) => void): Promise<string[]> {
  const hashes = new Array<string>(users);
  const inFlight = Math.max(2, os.availableParallelism() * 2);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < users) {
      const index = next;
      next += 1;
      hashes[index] = await bulkHashPassword(passwordOf(usernameOf(index + 1)));
      done += 1;
      if (done % 1000 === 0) onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, users) }, worker));
  return hashes;
}
