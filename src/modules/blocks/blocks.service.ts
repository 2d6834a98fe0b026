import { ApiError, fieldError, notFound } from '../../errors.js';
import { type Page, type PageRequest, readPage } from '../../http/pagination.js';
import { type EmailVisibility, showOtherUser, type VisibleUser } from '../users/email-visibility.js';
import type { User } from '../users/user.js';
import type { UsersRepository } from '../users/users.repository.js';
import type { BlocksRepository } from './blocks.repository.js';

export const cannotMessage = () => new ApiError(403, { detail: 'You cannot message this user.' });

/** A block as its blocker sees it in the list. */
export interface VisibleBlock {
  readonly user: VisibleUser;
  readonly created_at: number;
}

export function createBlocksService(deps: {
  blocks: BlocksRepository; users: UsersRepository; emailVisibility: EmailVisibility; now?: () => number;
}) {
  const now = deps.now ?? Date.now;
  const show = showOtherUser(deps.emailVisibility);

  /** Whether `sender` may reach `recipient`: not when the recipient blocked them. */
  async function mayMessage(sender: Pick<User, 'id'>, recipient: Pick<User, 'id'>): Promise<boolean> {
    return sender.id === recipient.id || !(await deps.blocks.isBlocked(recipient.id, sender.id));
  }

  return {
    /** Blocks a user (by username or email); blocking again is harmless. Returns whether it was new. */
    async block(blocker: User, identifier: string): Promise<{ block: VisibleBlock; created: boolean }> {
      const user = await deps.users.findActiveByIdentifier(identifier.trim());
      if (!user) throw fieldError('user', 'No user with this username or email.');
      if (user.id === blocker.id) throw fieldError('user', 'You cannot block yourself.');
      const created = await deps.blocks.insert(blocker.id, user.id, now());
      const createdAt = await deps.blocks.createdAt(blocker.id, user.id);
      return { block: { user: show(user), created_at: createdAt ?? now() }, created };
    },

    /** Lifts a block; one on a user deactivated since can be lifted too, as the list still shows it. */
    async unblock(blocker: User, identifier: string): Promise<void> {
      const user = await deps.users.findAccount(identifier.trim());
      if (!user || !(await deps.blocks.delete(blocker.id, user.id))) throw notFound();
    },

    async list(blocker: User, request: PageRequest): Promise<Page<VisibleBlock>> {
      const count = await deps.blocks.countBy(blocker.id);
      return readPage(request, count, async (offset, limit) => (await deps.blocks.pageBy(blocker.id, offset, limit))
        .map((row) => ({ user: show(row.user), created_at: row.created_at })));
    },

    mayMessage,

    /** Refuses a message from `sender` to someone who blocked them. */
    async assertMayMessage(sender: Pick<User, 'id'>, recipient: Pick<User, 'id'>): Promise<void> {
      if (!(await mayMessage(sender, recipient))) throw cannotMessage();
    },
  };
}

export type BlocksService = ReturnType<typeof createBlocksService>;
