import { fieldError } from '../../errors.js';
import { deletedAccountName, type User } from './user.js';
import type { UsersRepository } from './users.repository.js';

/** An account its user deleted (DELETE /me/): it stays deleted. */
export class DeletedAccountError extends Error {
  constructor(readonly username: string) {
    super(`"${username}" is an account its user deleted: it cannot be activated.`);
  }
}

export interface AccountChange {
  readonly user: User;
  /** Whether the account was active before the change. */
  readonly wasActive: boolean;
  readonly endedSessions: number;
  readonly revokedTokens: number;
}

/**
 * Turning accounts off and on. Deactivating ends every session and API token of the user at once, in
 * the same transaction, and tells `onCredentialEnded` of each so that the sockets opened with them close.
 */
export function createAccountsService(deps: {
  users: UsersRepository;
  /** Whether `password` is the user's (to delete one's own account); needed only for `deleteOwn`. */
  passwordMatches?: (user: User, password: string) => Promise<boolean>;
  onCredentialEnded?: (idHash: string) => void | Promise<void>;
  /** Waits until every running instance has heard of the ended credentials (see CredentialNotices). */
  heardEverywhere?: () => Promise<void>;
}) {
  async function endCredentials(ended: { sessionHashes: string[]; tokenHashes: string[] }): Promise<void> {
    for (const idHash of [...ended.sessionHashes, ...ended.tokenHashes]) await deps.onCredentialEnded?.(idHash);
    await deps.heardEverywhere?.();
  }

  return {
    /**
     * Deletes the caller's own account once they gave their password again (400 otherwise): see
     * UsersRepository.erase. Every session, token and socket of theirs ends, on every instance.
     */
    async deleteOwn(user: User, password: string): Promise<void> {
      if (!(await deps.passwordMatches!(user, password))) throw fieldError('password', 'Your password was entered incorrectly.');
      await endCredentials(await deps.users.erase(user.id, deletedAccountName(user.id)));
    },

    /** Null when no user has this username (or email). */
    async deactivate(identifier: string): Promise<AccountChange | null> {
      const account = await deps.users.findAccount(identifier.trim());
      if (!account) return null;
      const { sessionHashes, tokenHashes } = await deps.users.deactivate(account.id);
      await endCredentials({ sessionHashes, tokenHashes });
      return {
        user: userOf(account), wasActive: account.active,
        endedSessions: sessionHashes.length, revokedTokens: tokenHashes.length,
      };
    },

    /** Null when no user has this username (or email). Sessions and tokens ended by deactivation stay ended. */
    /** Null when no user has this username (or email); throws DeletedAccountError for an account its user deleted. */
    async activate(identifier: string): Promise<AccountChange | null> {
      const account = await deps.users.findAccount(identifier.trim());
      if (!account) return null;
      if (!account.active && !(await deps.users.activate(account.id))) throw new DeletedAccountError(account.username);
      return { user: userOf(account), wasActive: account.active, endedSessions: 0, revokedTokens: 0 };
    },
  };
}

function userOf(account: User): User {
  return { id: account.id, username: account.username, email: account.email };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
