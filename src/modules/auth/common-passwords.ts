import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The 49,233 most common passwords of the zxcvbn-ts common dictionary, lower-cased: Django's
 * CommonPasswordValidator does the same with a list of 20,000. Read once, when this module loads.
 */
const COMMON_PASSWORDS: ReadonlySet<string> = loadList(
  createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json'));

function loadList(path: string): Set<string> {
  const entries: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(entries) || !entries.every((entry) => typeof entry === 'string')) {
    throw new Error(`${path} is not a JSON array of passwords`);
  }
  return new Set(entries.map((entry: string) => entry.toLowerCase()));
}

/** Compared as Django does: ignoring case and white space around the password. */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.trim().toLowerCase());
}
