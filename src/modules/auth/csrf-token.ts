import { randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Django-compatible CSRF tokens. The secret is 32 characters of letters and digits; the token a page
 * or client sees may be the secret itself or Django's 64-character masked form (a random 32-character
 * mask followed by the secret shifted, character by character, by the mask), which changes every time
 * it is issued so that it cannot be recovered from compressed responses (BREACH).
 */
const ALLOWED_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const CSRF_SECRET_LENGTH = 32;
const MASKED_LENGTH = CSRF_SECRET_LENGTH * 2;
const TOKEN_FORMAT = /^[a-zA-Z0-9]+$/;

function randomString(length: number): string {
  let result = '';
  for (let i = 0; i < length; i += 1) result += ALLOWED_CHARS[randomInt(ALLOWED_CHARS.length)];
  return result;
}

export function newCsrfSecret(): string {
  return randomString(CSRF_SECRET_LENGTH);
}

export function maskCsrfSecret(secret: string): string {
  const mask = randomString(CSRF_SECRET_LENGTH);
  let cipher = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i += 1) {
    const shifted = ALLOWED_CHARS.indexOf(secret[i]) + ALLOWED_CHARS.indexOf(mask[i]);
    cipher += ALLOWED_CHARS[shifted % ALLOWED_CHARS.length];
  }
  return mask + cipher;
}

function unmask(token: string): string {
  const mask = token.slice(0, CSRF_SECRET_LENGTH);
  const cipher = token.slice(CSRF_SECRET_LENGTH);
  let secret = '';
  for (let i = 0; i < CSRF_SECRET_LENGTH; i += 1) {
    const shifted = ALLOWED_CHARS.indexOf(cipher[i]) - ALLOWED_CHARS.indexOf(mask[i]);
    secret += ALLOWED_CHARS[(shifted + ALLOWED_CHARS.length) % ALLOWED_CHARS.length];
  }
  return secret;
}

/** True when the token (either form) carries the given secret; compared in constant time. */
export function csrfTokenMatches(token: string, secret: string): boolean {
  if (!TOKEN_FORMAT.test(token)) return false;
  let candidate: string;
  if (token.length === CSRF_SECRET_LENGTH) candidate = token;
  else if (token.length === MASKED_LENGTH) candidate = unmask(token);
  else return false;
  const a = Buffer.from(candidate);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}
