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

/** The longest key whose hash `accessKeyHasher` keeps; issued keys are 43 characters. */
const LONGEST_REMEMBERED_KEY = 64;

/**
 * `hashAccessKey` with this secret, remembering the hashes of the last `capacity` keys it was given:
 * every request made with a session or a token hashes its key, and a new HMAC each time costs about
 * as much as the lookup the hash is for. Keys longer than any issued one are hashed but not kept.
 */
export function accessKeyHasher(secretKey: string, capacity = 10_000): (key: string) => string {
  const remembered = new Map<string, string>();
  return (key) => {
    let hash = remembered.get(key);
    if (hash === undefined) {
      hash = hashAccessKey(secretKey, key);
      if (key.length <= LONGEST_REMEMBERED_KEY) {
        if (remembered.size >= capacity) remembered.delete(remembered.keys().next().value!);
        remembered.set(key, hash);
      }
    }
    return hash;
  };
}
