import { domainToASCII } from 'node:url';

/** A user as the rest of the service sees one: never the password hash. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
}

// Any UTF-16 code unit beyond ASCII.
export const NON_ASCII = /[\u0080-\uffff]/;

/**
 * Usernames compare ignoring case and Unicode compatibility forms, as Django normalizes them. NFKC
 * leaves ASCII as it is, and most names are ASCII: they skip ICU's normalizer.
 */
export function usernameKey(username: string): string {
  return (NON_ASCII.test(username) ? username.normalize('NFKC') : username).toLowerCase();
}

/**
 * An email address ignoring case. A domain in Unicode is compared by its IDNA form, which also folds
 * what lower-casing does not (`ΟΣ` and `οσ`, a full-width dot); an ASCII domain, as every address
 * stored before Unicode domains were taken, keeps its key.
 */
export function emailKey(email: string): string {
  const address = email.trim();
  const at = address.lastIndexOf('@');
  const domain = address.slice(at + 1);
  if (at < 0 || !NON_ASCII.test(domain)) return address.toLowerCase();
  const ascii = domainToASCII(domain);
  return `${address.slice(0, at).toLowerCase()}@${ascii === '' ? domain.toLowerCase() : ascii}`;
}

/** Usernames never contain '@', so anything with one is an email address. */
export function isEmailLike(identifier: string): boolean {
  return identifier.includes('@');
}

export type IdentifierColumn = 'username_lower' | 'email_lower';

/** Where a username or an email is looked up: see identifierLookup. */
export interface IdentifierLookup {
  readonly column: IdentifierColumn;
  readonly key: string;
}

/**
 * The unique column a username or email is looked up by, and its key there. Null when it can name
 * nobody: no name holds a NUL, and PostgreSQL refuses to compare text with one.
 */
export function identifierLookup(identifier: string): IdentifierLookup | null {
  if (identifier.includes('\0')) return null;
  // Surrounding white space is no part of any name or address: "/list-messages/%20bob/" is bob.
  const trimmed = identifier.trim();
  return isEmailLike(trimmed)
    ? { column: 'email_lower', key: emailKey(trimmed) }
    : { column: 'username_lower', key: usernameKey(trimmed) };
}

/** Django's rule without `@`: letters, digits, marks and . + - _ (the registration schema's pattern). */
export const USERNAME_PATTERN = '^[\\p{L}\\p{N}\\p{M}._+-]+$';
export const USERNAME_MAX_LENGTH = 150;
export const INVALID_USERNAME = 'Enter a valid username. This value may contain only letters, numbers, and ./+/-/_ characters.';
const usernamePattern = new RegExp(USERNAME_PATTERN, 'u');

/** The error of a username that breaks the rules, or null: for a name as stored, once normalized. */
/** The names deleted accounts go by (`deleted-<id>`), and their addresses' domain: no one may register them. */
const DELETED_ACCOUNT_NAME = /^deleted-\d+$/i;
export const DELETED_ACCOUNT_DOMAIN = 'deleted.invalid';
export const deletedAccountName = (userId: number) => `deleted-${userId}`;

export function usernameRuleBroken(username: string): string | null {
  if (!usernamePattern.test(username)) return INVALID_USERNAME;
  if (DELETED_ACCOUNT_NAME.test(username)) return 'This username is reserved.';
  // Characters as Django counts them: code points, so a letter outside the BMP is one, not two.
  if (username.length > USERNAME_MAX_LENGTH && [...username].length > USERNAME_MAX_LENGTH) return `Ensure this field has no more than ${USERNAME_MAX_LENGTH} characters.`;
  return null;
}
