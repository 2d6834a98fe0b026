/** A user as the rest of the service sees one: never the password hash. */
export interface User {
  readonly id: number;
  readonly username: string;
  readonly email: string;
}

/** Usernames compare ignoring case and Unicode compatibility forms, as Django normalizes them. */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

/** Usernames never contain '@', so anything with one is an email address. */
export function isEmailLike(identifier: string): boolean {
  return identifier.includes('@');
}
