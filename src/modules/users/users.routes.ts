import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { clearLoginCookies, type CookiePolicy } from '../../http/cookies.js';
import { authErrorResponses, detailAnswer, fieldErrorsAnswer, HashingBusy } from '../../http/common.schemas.js';
import { Readable } from 'node:stream';
import type { AccountsService } from './accounts.service.js';
import type { ExportService } from './export.service.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import type { UsersService } from './users.service.js';
import { DeleteAccountBody, UserSchema, UsersListQuery, UsersPage } from './users.schemas.js';

export const usersRoutes: FastifyPluginAsyncTypebox<{
  users: UsersService; accounts: AccountsService; exports: ExportService; cookies: CookiePolicy;
}> = async (app, opts) => {
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

  app.get('/me/export/', {
    schema: {
      tags: ['users'],
      summary: 'Export your data',
      description: 'Your profile, your conversations and every message in them, as NDJSON (one JSON object a line): '
        + '`{"type": "profile", "user"}`, then for each conversation, in the order they began, `{"type": "conversation", '
        + '"id", "peer", "message_count", "unread_count", "last_read_id"}` followed by its messages, oldest first, '
        + '`{"type": "message", ...}` as the history shows them. Streamed as it is read; at most 3 an hour.',
      response: {
        200: { description: 'NDJSON', content: { 'application/x-ndjson': { schema: { type: 'string' } } } },
        ...authErrorResponses,
      },
    },
    config: { throttle: 'export' },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    // A stream, which the 200's text schema cannot name: Fastify pipes it, minding the client's pace.
    const lines: Readable = Readable.from(opts.exports.lines(req.user!));
    return reply.type('application/x-ndjson; charset=utf-8')
      .header('content-disposition', 'attachment; filename="messaging-export.ndjson"')
      .send(lines as never);
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
