import { createHash } from 'node:crypto';
import type { RateWindow } from '../../rate-limit/counter-store.js';
import { emailKey, isEmailLike, usernameKey } from '../users/user.js';

/** Failed logins for one account from one client address: the real user's typos fit, a guesser does not. */
export const LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5;
/**
 * Failed logins for one account from all addresses together: bounds guessing spread over many
 * addresses, high enough that a lockout of everyone needs an attacker with twenty addresses or more.
 */
export const LOGIN_FAILURES_PER_ACCOUNT = 100;
/** Failed logins from one client address for all accounts together: bounds trying one password on many. */
export const LOGIN_FAILURES_PER_ADDRESS = 50;

/**
 * The windows a login attempt (`POST /login/`, `POST /tokens/`) is counted in, all `windowMs` long. Only
 * failures are meant to stay counted: the caller refunds an attempt that succeeded, and a success also
 * clears the first window, the account's from that address, so that earlier typos are forgotten. Only
 * that one: the others would let someone who knows one password clear the guesses made at other
 * accounts from their address, or made at this account from elsewhere.
 *
 * The account is the identifier as typed, normalized as the lookup does, and never looked up: an unknown
 * name is counted exactly as a known one, so the limits tell nothing about who exists. A username and
 * the same account's email are therefore counted apart. Only a hash of the identifier is kept.
 */
export function loginWindows(identifier: string, address: string, windowMs: number): RateWindow[] {
  const account = accountKey(identifier);
  return [
    { key: `login:${account}:${address}`, limit: LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, windowMs },
    { key: `login:${account}`, limit: LOGIN_FAILURES_PER_ACCOUNT, windowMs },
    { key: `login-address:${address}`, limit: LOGIN_FAILURES_PER_ADDRESS, windowMs },
  ];
}

function accountKey(identifier: string): string {
  const trimmed = identifier.trim();
  const normalized = isEmailLike(trimmed) ? emailKey(trimmed) : usernameKey(trimmed);
  return createHash('sha256').update(normalized).digest('base64url').slice(0, 22);
}
