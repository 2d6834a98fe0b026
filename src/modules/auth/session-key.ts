import { createHmac, randomBytes } from 'node:crypto';

/** A new session key: 256 random bits, the value of the `sessionid` cookie. */
export function newSessionKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps instead of the key: a keyed hash, so that neither a copy of the
 * database nor its logs are enough to act as a user.
 */
export function hashSessionKey(secretKey: string, key: string): string {
  return createHmac('sha256', secretKey).update(key).digest('base64url');
}
