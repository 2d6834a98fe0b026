import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authErrorResponses, detailAnswer } from '../../http/common.schemas.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import type { UsersService } from './users.service.js';
import { UserSchema, UsersListQuery, UsersPage } from './users.schemas.js';

export const usersRoutes: FastifyPluginAsyncTypebox<{ users: UsersService }> = async (app, opts) => {
  app.get('/me/', {
    schema: {
      tags: ['users'],
      summary: 'The current user',
      description: 'Who the session or API token belongs to.',
      response: { 200: UserSchema, ...authErrorResponses },
    },
    onRequest: app.requireUser,
  }, async (req) => req.user!);

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
