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
 * Failed logins from one IPv6 /48 for all accounts together. A /48 is what one site or customer is
 * usually given, so a guesser holding one cannot multiply the address limit by its 65,536 /64s; a site's
 * many users share it, so it allows four addresses' worth.
 */
export const LOGIN_FAILURES_PER_NETWORK = 4 * LOGIN_FAILURES_PER_ADDRESS;

/**
 * The windows a login attempt (`POST /login/`, `POST /tokens/`) is counted in, all `windowMs` long: by
 * account, by client address, and for an IPv6 client by its /48 (`network`) too. Only
 * failures are meant to stay counted: the caller refunds an attempt that succeeded, and a success also
 * clears the first window, the account's from that address, so that earlier typos are forgotten. Only
 * that one: the others would let someone who knows one password clear the guesses made at other
 * accounts from their address, or made at this account from elsewhere.
 *
 * The account is the identifier as typed, normalized as the lookup does, and never looked up: an unknown
 * name is counted exactly as a known one, so the limits tell nothing about who exists. A username and
 * the same account's email are therefore counted apart. Only a hash of the identifier is kept.
 */
export function loginWindows(identifier: string, address: string, network: string | null, windowMs: number): RateWindow[] {
  const account = accountKey(identifier);
  const windows = [
    { key: `login:${account}:${address}`, limit: LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS, windowMs },
    { key: `login:${account}`, limit: LOGIN_FAILURES_PER_ACCOUNT, windowMs },
    { key: `login-address:${address}`, limit: LOGIN_FAILURES_PER_ADDRESS, windowMs },
  ];
  if (network !== null) windows.push({ key: `login-network:${network}`, limit: LOGIN_FAILURES_PER_NETWORK, windowMs });
  return windows;
}

function accountKey(identifier: string): string {
  const trimmed = identifier.trim();
  const normalized = isEmailLike(trimmed) ? emailKey(trimmed) : usernameKey(trimmed);
  return createHash('sha256').update(normalized).digest('base64url').slice(0, 22);
}
