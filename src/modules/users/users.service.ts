import { type Page, type PageRequest, readPage } from '../../http/pagination.js';
import { type EmailVisibility, showOtherUser, type VisibleUser } from './email-visibility.js';
import type { User } from './user.js';
import type { UsersRepository } from './users.repository.js';

export function createUsersService(deps: { users: UsersRepository; emailVisibility: EmailVisibility }) {
  const show = showOtherUser(deps.emailVisibility);
  return {
    /**
     * Everyone the caller can message, by username, optionally only those whose username starts with
     * `search` (never matched against email addresses).
     */
    async list(caller: User, request: PageRequest, search = ''): Promise<Page<VisibleUser>> {
      const count = await deps.users.countListed(caller.id, search);
      return readPage(request, count, async (offset, limit) => (await deps.users.pageListed(caller.id, search, offset, limit)).map(show));
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
