import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notMadeWithToken } from '../../errors.js';
import { authErrorResponses, Detail, detailAnswer, FieldErrors, HashingBusy, OPTIONAL_SESSION, PageQuery } from '../../http/common.schemas.js';
import { isoTime } from '../../http/iso-time.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import { IssuedTokenSchema, TokenCredentials, TokenIdParams, TokensPage } from './tokens.schemas.js';
import type { TokensService } from './tokens.service.js';

export const tokensRoutes: FastifyPluginAsyncTypebox<{ tokens: TokensService }> = async (app, opts) => {
  app.post('/tokens/', {
    schema: {
      tags: ['tokens'],
      summary: 'Get an API token with a username or email',
      security: OPTIONAL_SESSION,
      description: 'For clients that are not browsers. Checks the credentials as `POST /login/` does and returns '
        + 'a new token; send it as `Authorization: Token <token>` (or `Bearer <token>`), and no CSRF token is '
        + 'needed. A token lasts until revoked with `DELETE /tokens/current/`; every call makes a new one. '
        + 'Made without a session, this needs no CSRF token either.',
      body: TokenCredentials,
      response: {
        201: IssuedTokenSchema,
        400: Type.Union([FieldErrors, Detail], {
          description: 'A missing or malformed field; or the user holds the most API tokens one may (50) already.',
          examples: [{ password: ['This field is required.'] }, {
            detail: 'You have 50 API tokens, the most one user may hold: revoke one first (GET /tokens/ lists them, DELETE /tokens/<id>/ revokes one).',
          }],
        }),
        401: detailAnswer('Unknown user or wrong password; or a bad API token in `Authorization`.', 'Invalid username or password.', 'Invalid token.'),
        403: detailAnswer('A foreign Origin, or a live session without its CSRF token.', 'CSRF Failed: CSRF token missing.'),
        503: HashingBusy,
      },
    },
    config: { throttle: 'login' },
  }, async (req, reply) => {
    const issued = await opts.tokens.issue(req.body.username, req.body.password);
    return reply.code(201).send({ token: issued.key, id: issued.id, user: issued.user, created_at: isoTime(issued.createdAt) });
  });

  app.delete('/tokens/current/', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke the API token of this request',
      description: 'The token in `Authorization` stops working at once. Other tokens of the same user are kept.',
      response: {
        204: { type: 'null', description: 'Revoked.' },
        400: detailAnswer('Made with a session, not with an API token.', 'This request was not made with an API token.'),
        ...authErrorResponses,
      },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    if (!req.apiToken) throw notMadeWithToken();
    await opts.tokens.revoke(req.apiToken);
    return reply.code(204).send(null);
  });

  app.get('/tokens/', {
    schema: {
      tags: ['tokens'],
      summary: 'Your API tokens',
      description: 'Every API token of yours, newest first, by id (never the token itself); `current` marks the one '
        + 'this request was made with. With a session too, to find a lost device\'s token and revoke it.',
      querystring: PageQuery,
      response: { 200: TokensPage, ...authErrorResponses, 404: detailAnswer('A page past the last.', 'Invalid page.') },
    },
    onRequest: app.requireUser,
  }, async (req) => pageEnvelope(req, await opts.tokens.list(req.user!, req.apiToken, readPageRequest(req.query)),
    (token) => ({ id: token.id, created_at: isoTime(token.createdAt), current: token.current })));

  app.delete('/tokens/:id/', {
    schema: {
      tags: ['tokens'],
      summary: 'Revoke one of your API tokens by its id',
      description: 'It stops working at once, and WebSockets opened with it close with 4001.',
      params: TokenIdParams,
      response: { 204: { type: 'null', description: 'Revoked.' }, ...authErrorResponses, 404: detailAnswer('No token of yours has this id.', 'Not found.') },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    await opts.tokens.revokeById(req.user!, req.params.id);
    return reply.code(204).send(null);
  });
};
