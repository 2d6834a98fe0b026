import { createHmac, randomBytes } from 'node:crypto';

/**
 * A new access key: 256 random bits that a client presents to act as a user, either as the
 * `sessionid` cookie or as an API token.
 */
export function newAccessKey(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What the database keeps instead of the key: a keyed hash, so that neither a copy of the
 * database nor its logs are enough to act as a user.
 */
export function hashAccessKey(secretKey: string, key: string): string {
  return createHmac('sha256', secretKey).update(key).digest('base64url');
}
