import { uniqueViolation } from '../../db/constraint-violation.js';
import { type FieldErrors, fieldErrors, invalidCredentials } from '../../errors.js';
import type { User } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';
import { hashAccessKey, newAccessKey } from './access-key.js';
import { newCsrfSecret } from './csrf-token.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { passwordProblems } from './password-policy.js';
import type { ActiveSession, SessionsRepository } from './sessions.repository.js';

export interface RegistrationInput {
  username: string;
  email: string;
  password: string;
}

export interface Login {
  user: User;
  /** The cookie value; only its hash is stored. */
  sessionKey: string;
  csrfSecret: string;
  expiresAt: number;
}

const USERNAME_TAKEN = 'A user with that username already exists.';
const EMAIL_TAKEN = 'A user with that email already exists.';

export function createAuthService(deps: {
  users: UsersRepository;
  sessions: SessionsRepository;
  secretKey: string;
  sessionLifetimeSeconds: number;
  /** Told of every session that ends, so that what was opened with it (sockets) closes too. */
  onSessionEnded?: (idHash: string) => void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const hashKey = (key: string) => hashAccessKey(deps.secretKey, key);

  async function endSession(idHash: string): Promise<void> {
    await deps.sessions.delete(idHash);
    deps.onSessionEnded?.(idHash);
  }

  /**
   * The active user with this username (or email) and password; 401 otherwise, the same for an unknown
   * user and a wrong password, and in the same time: an unknown user's password is checked too.
   */
  async function verifyCredentials(identifier: string, password: string): Promise<User> {
    const candidate = await deps.users.findCredentials(identifier.trim());
    const valid = await verifyPassword(candidate?.password_hash ?? null, password);
    if (!candidate || !valid) throw invalidCredentials();
    return { id: candidate.id, username: candidate.username, email: candidate.email };
  }

  return {
    async register(input: RegistrationInput): Promise<User> {
      const username = input.username.normalize('NFKC');
      const email = input.email.trim();
      const errors: FieldErrors = {};
      const [usernameTaken, emailTaken] = await Promise.all([
        deps.users.usernameTaken(username), deps.users.emailTaken(email)]);
      if (usernameTaken) errors.username = [USERNAME_TAKEN];
      if (emailTaken) errors.email = [EMAIL_TAKEN];
      const problems = passwordProblems(input.password, { username, email });
      if (problems.length > 0) errors.password = problems;
      if (Object.keys(errors).length > 0) throw fieldErrors(errors);

      const passwordHash = await hashPassword(input.password);
      try {
        return await deps.users.insert({ username, email, passwordHash, dateJoined: now() });
      } catch (error) {
        // Two registrations racing for the same name: the unique index decides, and says which.
        const violated = uniqueViolation(error);
        if (violated === null) throw error;
        throw fieldErrors(violated.includes('email') ? { email: [EMAIL_TAKEN] } : { username: [USERNAME_TAKEN] });
      }
    },

    verifyCredentials,

    /** Checks the credentials and opens a new session; replaces `previousSessionKey` if given. */
    async login(identifier: string, password: string, previousSessionKey?: string): Promise<Login> {
      const user = await verifyCredentials(identifier, password);
      if (previousSessionKey) await endSession(hashKey(previousSessionKey));
      const sessionKey = newAccessKey();
      const csrfSecret = newCsrfSecret();
      const createdAt = now();
      const expiresAt = createdAt + deps.sessionLifetimeSeconds * 1000;
      await deps.sessions.insert({ idHash: hashKey(sessionKey), userId: user.id, csrfSecret, createdAt, expiresAt });
      await deps.users.recordLogin(user.id, createdAt);
      return { user, sessionKey, csrfSecret, expiresAt };
    },

    async logout(sessionKey: string): Promise<void> {
      await endSession(hashKey(sessionKey));
    },

    /** The live session behind a cookie value, or null. */
    async authenticate(sessionKey: string): Promise<ActiveSession | null> {
      return (await deps.sessions.findActive(hashKey(sessionKey), now())) ?? null;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
