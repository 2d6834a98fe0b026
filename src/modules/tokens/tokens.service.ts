import { invalidCredentials } from '../../errors.js';
import { accessKeyHasher, newAccessKey } from '../auth/access-key.js';
import type { AuthService } from '../auth/auth.service.js';
import type { User } from '../users/user.js';
import type { TokensRepository } from './tokens.repository.js';

export interface IssuedToken {
  /** The key the client sends as `Authorization: Token <key>`; only its hash is stored. */
  key: string;
  user: User;
  createdAt: number;
}

/** The token a request was authenticated with. */
export interface ActiveToken {
  readonly idHash: string;
  readonly user: User;
}

/**
 * API tokens for clients that are not browsers, as DRF's TokenAuthentication: a random key that
 * acts as its user until revoked. Tokens do not expire; each call to `issue` makes a new one, so
 * that every device holds its own and can revoke it alone.
 */
export function createTokensService(deps: {
  auth: Pick<AuthService, 'verifyCredentials'>;
  tokens: TokensRepository;
  secretKey: string;
  /** Told of every revoked token, so that what was opened with it (sockets) closes too. */
  onTokenRevoked?: (idHash: string) => void;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const hashKey = accessKeyHasher(deps.secretKey);

  return {
    /** Checks the credentials as login does, and issues a new token for that user. */
    async issue(identifier: string, password: string): Promise<IssuedToken> {
      const user = await deps.auth.verifyCredentials(identifier, password);
      const key = newAccessKey();
      const createdAt = now();
      // Deactivated while the password was being checked: as if it were wrong.
      if (!(await deps.tokens.insert(hashKey(key), user.id, createdAt))) throw invalidCredentials();
      return { key, user, createdAt };
    },

    /** The token with this key and its active user, or null. */
    async authenticate(key: string): Promise<ActiveToken | null> {
      const idHash = hashKey(key);
      const user = await deps.tokens.findUser(idHash);
      return user ? { idHash, user } : null;
    },

    async revoke(token: ActiveToken): Promise<void> {
      await deps.tokens.delete(token.idHash);
      deps.onTokenRevoked?.(token.idHash);
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;
