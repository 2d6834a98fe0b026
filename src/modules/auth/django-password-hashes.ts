import { pbkdf2, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2Async = promisify(pbkdf2);

/** The PBKDF2 hashers of Django: `<algorithm>$<iterations>$<salt>$<base64 hash>`. */
const PBKDF2_DIGESTS = { pbkdf2_sha256: { digest: 'sha256', length: 32 }, pbkdf2_sha1: { digest: 'sha1', length: 20 } } as const;
/** Beyond any Django default: a stored hash asking for more is refused rather than left to run for minutes. */
const MAX_ITERATIONS = 10_000_000;

/** Whether `stored` is a hash in one of Django's PBKDF2 formats. */
export function isDjangoPbkdf2Hash(stored: string): boolean {
  return stored.startsWith('pbkdf2_sha256$') || stored.startsWith('pbkdf2_sha1$');
}

/**
 * Django's argon2 format (`argon2$argon2id$v=19$m=...,t=...,p=...$salt$hash`) as the PHC string argon2
 * reads (`$argon2id$v=19$...`), or null for any other hash.
 */
export function djangoArgon2AsPhc(stored: string): string | null {
  return stored.startsWith('argon2$argon2') ? stored.slice('argon2'.length) : null;
}

/**
 * Checks `password` against a Django PBKDF2 hash on libuv's thread pool, comparing in constant time. False
 * for a wrong password and for a hash that cannot be read.
 */
export async function verifyDjangoPbkdf2(stored: string, password: string): Promise<boolean> {
  const [algorithm, iterationsText, salt, expectedBase64, ...rest] = stored.split('$');
  const hasher = PBKDF2_DIGESTS[algorithm as keyof typeof PBKDF2_DIGESTS];
  const iterations = Number(iterationsText);
  if (!hasher || rest.length > 0 || salt === undefined || expectedBase64 === undefined
    || !Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) return false;
  const expected = Buffer.from(expectedBase64, 'base64');
  if (expected.length !== hasher.length) return false;
  const actual = await pbkdf2Async(password, salt, iterations, hasher.length, hasher.digest);
  return timingSafeEqual(actual, expected);
}
