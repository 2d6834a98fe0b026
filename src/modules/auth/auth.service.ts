import type { CredentialNotices } from '../../db/credential-notices.js';
import { uniqueViolation } from '../../db/constraint-violation.js';
import { type FieldErrors, fieldErrors, invalidCredentials } from '../../errors.js';
import { DELETED_ACCOUNT_DOMAIN, emailKey, type User, usernameRuleBroken } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';
import { accessKeyHasher, newAccessKey } from './access-key.js';
import { CredentialCache } from './credential-cache.js';
import { newCsrfSecret } from './csrf-token.js';
import { argon2Passwords, type Passwords } from './passwords.js';
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
const MAX_TOUCH_INTERVAL_MS = 60_000;
/**
 * Sessions one user may hold: a login past this ends the user's oldest. Enough for every browser and
 * device a person uses; a client that logs in on every run without logging out keeps ending its own.
 */
export const SESSIONS_PER_USER = 20;

export function createAuthService(deps: {
  users: UsersRepository;
  sessions: SessionsRepository;
  secretKey: string;
  sessionLifetimeSeconds: number;
  /** A session unused for this long ends (Django has no such limit); 0: never. */
  sessionIdleSeconds?: number;
  /** Told of every session that ends, so that what was opened with it (sockets) closes too. */
  onSessionEnded?: (idHash: string) => void;
  /**
   * The database's notices of ended sessions, when it sends them: sessions are then kept in memory
   * between requests, and a logout is answered once every instance has heard of it.
   */
  notices?: CredentialNotices | null;
  passwords?: Passwords;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const passwords = deps.passwords ?? argon2Passwords;
  const hashKey = accessKeyHasher(deps.secretKey);
  // Made now rather than at the first unknown user's login, which would otherwise take a hash longer.
  passwords.dummyHash().catch(() => {});
  const idleMs = (deps.sessionIdleSeconds ?? 0) * 1000;
  // last_seen_at is written at most this often per session, so that reading a session rarely writes;
  // idleness is therefore measured to within this much.
  const touchIntervalMs = idleMs > 0 ? Math.min(MAX_TOUCH_INTERVAL_MS, idleMs / 10) : MAX_TOUCH_INTERVAL_MS;
  // A kept session is used only while its last_seen_at needs no writing: idleness is always judged on a fresh read.
  const kept = new CredentialCache<ActiveSession>(deps.notices ?? null, { maxAgeMs: touchIntervalMs });

  async function endSession(idHash: string): Promise<void> {
    await deps.sessions.delete(idHash);
    kept.forget(idHash);
    deps.onSessionEnded?.(idHash);
    await deps.notices?.heardEverywhere();
  }

  /** The session as the database has it now, kept for the next requests. */
  async function readSession(idHash: string, at: number): Promise<ActiveSession | undefined> {
    const generation = kept.generation;
    const session = await deps.sessions.findActive(idHash, at);
    if (session) kept.keep(generation, idHash, session, at);
    return session;
  }

  /**
   * The active user with this username (or email) and password; 401 otherwise, the same for an unknown
   * or inactive user and a wrong password, and in the same time: without a user, the password is
   * verified against a hash of the same cost.
   */
  async function verifyCredentials(identifier: string, password: string): Promise<User> {
    const candidate = await deps.users.findCredentials(identifier.trim());
    const valid = await passwords.verify(candidate?.password_hash ?? await passwords.dummyHash(), password);
    if (!candidate || !valid) throw invalidCredentials();
    // A hash in another format (an account imported from the Django service) becomes our argon2id now,
    // while the password is at hand.
    if (!passwords.isCurrent(candidate.password_hash)) {
      await deps.users.replacePasswordHash(candidate.id, candidate.password_hash, await passwords.hash(password));
    }
    return { id: candidate.id, username: candidate.username, email: candidate.email };
  }

  return {
    async register(input: RegistrationInput): Promise<User> {
      const username = input.username.normalize('NFKC');
      const email = input.email.trim();
      const errors: FieldErrors = {};
      // As Django does, the rules hold for the name as stored: NFKC can make '⑴' into '(1)', and one
      // character into eighteen.
      const usernameProblem = usernameRuleBroken(username);
      if (usernameProblem !== null) errors.username = [usernameProblem];
      const [usernameTaken, emailTaken] = await Promise.all([
        deps.users.usernameTaken(username), deps.users.emailTaken(email)]);
      if (usernameTaken && usernameProblem === null) errors.username = [USERNAME_TAKEN];
      if (emailTaken) errors.email = [EMAIL_TAKEN];
      else if (emailKey(email).endsWith(`@${DELETED_ACCOUNT_DOMAIN}`)) errors.email = ['This email address is reserved.'];
      const problems = passwordProblems(input.password, { username, email });
      if (problems.length > 0) errors.password = problems;
      if (Object.keys(errors).length > 0) throw fieldErrors(errors);

      const passwordHash = await passwords.hash(input.password);
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

    /** Whether `password` is the password of `user`, an active user. */
    async passwordMatches(user: User, password: string): Promise<boolean> {
      const candidate = await deps.users.findCredentials(user.username);
      return candidate?.id === user.id && await passwords.verify(candidate.password_hash, password);
    },

    /** Checks the credentials and opens a new session; replaces `previousSessionKey` if given. */
    async login(identifier: string, password: string, previousSessionKey?: string): Promise<Login> {
      const user = await verifyCredentials(identifier, password);
      const sessionKey = newAccessKey();
      const csrfSecret = newCsrfSecret();
      const createdAt = now();
      const expiresAt = createdAt + deps.sessionLifetimeSeconds * 1000;
      const replaced = previousSessionKey === undefined ? undefined : hashKey(previousSessionKey);
      const idHash = hashKey(sessionKey);
      await deps.sessions.insert({ idHash, userId: user.id, csrfSecret, createdAt, expiresAt }, replaced);
      if (replaced !== undefined) {
        kept.forget(replaced);
        deps.onSessionEnded?.(replaced);
      }
      // No session is written for a user deactivated while the password was being checked: as if it were wrong.
      if (!(await readSession(idHash, createdAt))) throw invalidCredentials();
      const overflow = await deps.sessions.deleteAllButNewest(user.id, idHash, SESSIONS_PER_USER);
      for (const ended of overflow) {
        kept.forget(ended);
        deps.onSessionEnded?.(ended);
      }
      if (replaced !== undefined || overflow.length > 0) await deps.notices?.heardEverywhere();
      return { user, sessionKey, csrfSecret, expiresAt };
    },

    async logout(sessionKey: string): Promise<void> {
      await endSession(hashKey(sessionKey));
    },

    /**
     * The live session behind a cookie value, or null. A session found idle is ended then and there,
     * so that the sockets opened with it close too; one in use has its last_seen_at moved forward.
     */
    async authenticate(sessionKey: string): Promise<ActiveSession | null> {
      const at = now();
      const idHash = hashKey(sessionKey);
      const known = kept.get(idHash, at);
      if (known && at < known.expiresAt && at - known.lastSeenAt < touchIntervalMs) return known;
      const generation = kept.generation;
      const session = await deps.sessions.findActive(idHash, at);
      if (!session) return null;
      if (idleMs > 0 && session.lastSeenAt <= at - idleMs) {
        await endSession(session.idHash);
        return null;
      }
      let current = session;
      if (at - session.lastSeenAt >= touchIntervalMs) {
        await deps.sessions.touch(session.idHash, at);
        current = { ...session, lastSeenAt: at };
      }
      kept.keep(generation, idHash, current, at);
      return current;
    },

    /**
     * Deletes the sessions past their lifetime or idle; answers how many. The sockets of an idle
     * session are closed; those of an expired one closed by themselves when it expired.
     */
    async purgeExpiredSessions(): Promise<number> {
      const at = now();
      const expired = await deps.sessions.deleteExpired(at);
      if (idleMs === 0) return expired;
      const idle = await deps.sessions.deleteIdle(at - idleMs);
      for (const idHash of idle) {
        kept.forget(idHash);
        deps.onSessionEnded?.(idHash);
      }
      return expired + idle.length;
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
