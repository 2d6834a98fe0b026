import { isCommonPassword } from './common-passwords.js';

export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for any passphrase, short enough that refusing an oversized one costs nothing. */
export const PASSWORD_MAX_LENGTH = 256;

/**
 * Django's default password validators, in its order and its words: the problems with a password, or
 * none. Similarity to the username or email is equality ignoring case (the email's local part
 * counts too), reported once, for the username first, as Django reports the first attribute matched.
 */
export function passwordProblems(password: string, user: { username: string; email: string }): string[] {
  const problems: string[] = [];
  const similarity = similarityProblem(password, user);
  if (similarity) problems.push(similarity);
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push(`This password is too long. It must contain at most ${PASSWORD_MAX_LENGTH} characters.`);
  } else if (isCommonPassword(password)) {
    problems.push('This password is too common.');
  }
  if (/^\p{Nd}+$/u.test(password)) problems.push('This password is entirely numeric.');
  return problems;
}

function similarityProblem(password: string, user: { username: string; email: string }): string | null {
  const lowered = password.toLowerCase();
  if (lowered === user.username.toLowerCase()) return 'The password is too similar to the username.';
  const email = user.email.toLowerCase();
  const at = email.lastIndexOf('@');
  if (lowered === email || (at > 0 && lowered === email.slice(0, at))) {
    return 'The password is too similar to the email address.';
  }
  return null;
}
