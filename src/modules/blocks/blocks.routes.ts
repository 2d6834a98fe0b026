import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authErrorResponses, detailAnswer, fieldErrorsAnswer, PageQuery } from '../../http/common.schemas.js';
import { isoTime } from '../../http/iso-time.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import type { VisibleBlock } from './blocks.service.js';
import { BlockBody, BlockedUserParams, BlockSchema, BlocksPage } from './blocks.schemas.js';
import type { BlocksService } from './blocks.service.js';

const presentBlock = (block: VisibleBlock) => ({ user: block.user, created_at: isoTime(block.created_at) });

export const blocksRoutes: FastifyPluginAsyncTypebox<{ blocks: BlocksService }> = async (app, opts) => {
  app.post('/blocks/', {
    schema: {
      tags: ['blocks'],
      summary: 'Block a user',
      description: 'A user you block cannot send you messages (403) and is left out of your users list. '
        + 'Blocking someone already blocked answers 200.',
      body: BlockBody,
      response: { 201: BlockSchema, 200: BlockSchema, 400: fieldErrorsAnswer('No such user, or yourself.', { user: ['No user with this username or email.'] }), ...authErrorResponses },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    const { block, created } = await opts.blocks.block(req.user!, req.body.user);
    return reply.code(created ? 201 : 200).send(presentBlock(block));
  });

  app.get('/blocks/', {
    schema: {
      tags: ['blocks'],
      summary: 'The users you blocked',
      querystring: PageQuery,
      response: { 200: BlocksPage, ...authErrorResponses, 404: detailAnswer('A page past the last.', 'Invalid page.') },
    },
    onRequest: app.requireUser,
  }, async (req) => pageEnvelope(req, await opts.blocks.list(req.user!, readPageRequest(req.query)), presentBlock));

  app.delete('/blocks/:user/', {
    schema: {
      tags: ['blocks'],
      summary: 'Unblock a user',
      params: BlockedUserParams,
      response: { 204: { type: 'null', description: 'Unblocked.' }, ...authErrorResponses, 404: detailAnswer('No such user, or not blocked.', 'Not found.') },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    await opts.blocks.unblock(req.user!, req.params.user);
    return reply.code(204).send(null);
  });
};
