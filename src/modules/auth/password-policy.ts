export const PASSWORD_MIN_LENGTH = 8;
/** Long enough for any passphrase, short enough that refusing an oversized one costs nothing. */
export const PASSWORD_MAX_LENGTH = 256;

/** Django's password validators, in its words: the problems with a password, or none. */
export function passwordProblems(password: string, user: { username: string; email: string }): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push(`This password is too short. It must contain at least ${PASSWORD_MIN_LENGTH} characters.`);
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push(`This password is too long. It must contain at most ${PASSWORD_MAX_LENGTH} characters.`);
  }
  if (/^\d+$/.test(password)) problems.push('This password is entirely numeric.');
  const lowered = password.toLowerCase();
  if (lowered === user.username.toLowerCase()) problems.push('The password is too similar to the username.');
  const email = user.email.toLowerCase();
  if (lowered === email || lowered === email.split('@', 1)[0]) {
    problems.push('The password is too similar to the email address.');
  }
  return problems;
}
