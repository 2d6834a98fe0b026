import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clearLoginCookies, type CookiePolicy } from '../../http/cookies.js';
import { authErrorResponses, detailAnswer, fieldErrorsAnswer, HashingBusy } from '../../http/common.schemas.js';
import type { AccountsService } from './accounts.service.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import type { UsersService } from './users.service.js';
import { DeleteAccountBody, UserSchema, UsersListQuery, UsersPage } from './users.schemas.js';

export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService; accounts: AccountsService; cookies: CookiePolicy }> = async (app, opts) => {
  app.get('/me/', {
    schema: {
      tags: ['users'],
      summary: 'The current user',
      description: 'Who the session or API token belongs to.',
      response: { 200: UserSchema, ...authErrorResponses },
    },
    onRequest: app.requireUser,
  }, async (req) => req.user!);

  app.delete('/me/', {
    schema: {
      tags: ['users'],
      summary: 'Delete your account',
      description: 'Needs your password again. Ends every session, API token and WebSocket of yours, on every instance; '
        + 'removes your email address and password hash and frees your username. Your conversations stay readable to '
        + 'your peers, your messages in them shown as from `deleted-<your id>`; delete messages first if they should go too.',
      body: DeleteAccountBody,
      response: {
        204: { type: 'null', description: 'Deleted; the session cookies are cleared.' },
        400: fieldErrorsAnswer('The password is missing or wrong.', { password: ['Your password was entered incorrectly.'] }),
        ...authErrorResponses,
        503: HashingBusy,
      },
    },
    config: { throttle: 'password-again' },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    await opts.accounts.deleteOwn(req.user!, req.body.password);
    clearLoginCookies(req, reply, opts.cookies);
    return reply.code(204).send(null);
  });

  app.get('/users-list/', {
    schema: {
      tags: ['users'],
      summary: 'List the users you can message',
      description: 'Ordered by username; you are left out. `?search=` keeps usernames starting with it.',
      querystring: UsersListQuery,
      response: { 200: UsersPage, ...authErrorResponses, 404: detailAnswer('A page past the last.', 'Invalid page.') },
    },
    // Before the query is validated: an anonymous caller learns nothing but that it must log in.
    onRequest: app.requireUser,
  }, async (req) => {
    const page = await opts.users.list(req.user!, readPageRequest(req.query), req.query.search);
    return pageEnvelope(req, page, (user) => user);
  });
};
