import type { CredentialNotices } from '../../db/credential-notices.js';
import { ApiError, invalidCredentials, notFound } from '../../errors.js';
import { type Page, type PageRequest, readPage } from '../../http/pagination.js';
import { accessKeyHasher, newAccessKey } from '../auth/access-key.js';
import type { AuthService } from '../auth/auth.service.js';
import { CredentialCache } from '../auth/credential-cache.js';
import type { User } from '../users/user.js';
import type { TokensRepository } from './tokens.repository.js';

export interface IssuedToken {
  /** The key the client sends as `Authorization: Token <key>`; only its hash is stored. */
  key: string;
  id: string;
  user: User;
  createdAt: number;
}

/** How a token is named in lists and in `DELETE /tokens/<id>/`: the start of its hash, which tells nothing of the key. */
/** API tokens one user may hold: one per script, device or integration, with room to spare. */
export const TOKENS_PER_USER = 50;
const tooManyTokens = () => new ApiError(400, {
  detail: `You have ${TOKENS_PER_USER} API tokens, the most one user may hold: revoke one first (GET /tokens/ lists them, DELETE /tokens/<id>/ revokes one).`,
});

const TOKEN_ID_LENGTH = 16;
const tokenIdOf = (idHash: string) => idHash.slice(0, TOKEN_ID_LENGTH);
const TOKEN_ID = new RegExp(`^[A-Za-z0-9_-]{${TOKEN_ID_LENGTH}}$`);
/** A token kept in memory is read again after this long, whatever the notices say. */
const KEPT_TOKEN_MAX_AGE_MS = 60_000;

export interface TokenRecord {
  readonly id: string;
  readonly createdAt: number;
  /** Whether it is the token the request was made with. */
  readonly current: boolean;
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
  /**
   * The database's notices of ended tokens, when it sends them: tokens are then kept in memory between
   * requests, and a revocation is answered once every instance has heard of it.
   */
  notices?: CredentialNotices | null;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const hashKey = accessKeyHasher(deps.secretKey);
  const kept = new CredentialCache<ActiveToken>(deps.notices ?? null, { maxAgeMs: KEPT_TOKEN_MAX_AGE_MS });

  async function revoked(idHash: string): Promise<void> {
    kept.forget(idHash);
    deps.onTokenRevoked?.(idHash);
    await deps.notices?.heardEverywhere();
  }

  return {
    /** Checks the credentials as login does, and issues a new token for that user. */
    async issue(identifier: string, password: string): Promise<IssuedToken> {
      const user = await deps.auth.verifyCredentials(identifier, password);
      const key = newAccessKey();
      const createdAt = now();
      // Deactivated while the password was being checked: as if it were wrong.
      const idHash = hashKey(key);
      const inserted = await deps.tokens.insert(idHash, user.id, createdAt, TOKENS_PER_USER);
      if (inserted === 'inactive') throw invalidCredentials();
      if (inserted === 'full') throw tooManyTokens();
      return { key, id: tokenIdOf(idHash), user, createdAt };
    },

    /** The token with this key and its active user, or null. */
    async authenticate(key: string): Promise<ActiveToken | null> {
      const idHash = hashKey(key);
      const at = now();
      const known = kept.get(idHash, at);
      if (known) return known;
      const generation = kept.generation;
      const user = await deps.tokens.findUser(idHash);
      if (!user) return null;
      const token = { idHash, user };
      kept.keep(generation, idHash, token, at);
      return token;
    },

    async revoke(token: ActiveToken): Promise<void> {
      await deps.tokens.delete(token.idHash);
      await revoked(token.idHash);
    },

    /** The user's tokens, newest first; `current` marks the one the request was made with. */
    async list(user: User, current: ActiveToken | null, request: PageRequest): Promise<Page<TokenRecord>> {
      const count = await deps.tokens.countBy(user.id);
      return readPage(request, count, async (offset, limit) => (await deps.tokens.pageBy(user.id, offset, limit))
        .map((row) => ({ id: tokenIdOf(row.id_hash), createdAt: row.created_at, current: row.id_hash === current?.idHash })));
    },

    /** Revokes one of the user's tokens by its id (a lost device's, say); another user's is not found. */
    async revokeById(user: User, id: string): Promise<void> {
      const idHash = TOKEN_ID.test(id) ? await deps.tokens.deleteByPrefix(user.id, id) : undefined;
      if (idHash === undefined) throw notFound();
      await revoked(idHash);
    },
  };
}

export type TokensService = ReturnType<typeof createTokensService>;
