import { type Page, type PageRequest, pageWindow } from '../../http/pagination.js';
import type { User } from './user.js';
import type { UsersRepository } from './users.repository.js';

export function createUsersService(deps: { users: UsersRepository }) {
  return {
    /** Everyone the caller can message, by username, optionally only those starting with `search`. */
    async list(caller: User, request: PageRequest, search = ''): Promise<Page<User>> {
      const count = await deps.users.countListed(caller.id, search);
      const window = pageWindow(request, count);
      const results = await deps.users.pageListed(caller.id, search, window.offset, window.limit);
      return { count, number: window.number, pages: window.pages, results };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;
