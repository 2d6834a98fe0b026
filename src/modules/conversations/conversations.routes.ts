import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { authErrorResponses, detailAnswer, fieldErrorsAnswer } from '../../http/common.schemas.js';
import { requestUrl } from '../../http/pagination.js';
import { presentMessage } from '../messages/message.js';
import {
  INBOX_DEFAULT_LIMIT, INBOX_MAX_LIMIT, InboxPageSchema, InboxQuery, MarkReadBody, PeerParams, ReadStateSchema,
} from './conversations.schemas.js';
import type { ConversationsService, VisibleInboxEntry } from './conversations.service.js';

const presentEntry = (entry: VisibleInboxEntry, viewerId: number) => ({
  id: entry.id,
  peer: entry.peer,
  last_message: presentMessage(entry.lastMessage, viewerId),
  message_count: entry.messageCount,
  unread_count: entry.unreadCount,
  last_read_id: entry.lastReadId,
});

export const conversationsRoutes: FastifyPluginAsyncTypebox<{ conversations: ConversationsService }> = async (app, opts) => {
  app.get('/conversations/', {
    schema: {
      tags: ['conversations'],
      summary: 'Your inbox',
      description: 'One entry per person you have exchanged messages with, latest activity first, with the last '
        + 'message and your unread count. Follow `next` for older conversations.',
      querystring: InboxQuery,
      response: { 200: InboxPageSchema, 400: fieldErrorsAnswer('A cursor or limit that is not a valid number.', { before: ['A valid integer is required.'] }), ...authErrorResponses },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const limit = Math.min(req.query.limit ?? INBOX_DEFAULT_LIMIT, INBOX_MAX_LIMIT);
    const page = await opts.conversations.inbox(req.user!, req.query.before ?? null, limit);
    let next: string | null = null;
    if (page.nextBefore !== null) {
      const url = requestUrl(req);
      url.searchParams.set('before', String(page.nextBefore));
      next = url.toString();
    }
    return { next, results: page.entries.map((entry) => presentEntry(entry, req.user!.id)) };
  });

  app.post('/conversations/:user/read/', {
    schema: {
      tags: ['conversations'],
      summary: 'Mark a conversation read',
      description: 'Marks everything up to `up_to` (a message of this conversation) read. Marks only move '
        + 'forward: an older id changes nothing. Answers the read mark and the unread count that remains.',
      params: PeerParams,
      body: MarkReadBody,
      response: {
        200: ReadStateSchema,
        400: fieldErrorsAnswer('`up_to` missing, not a number, or not a message of this conversation.', { up_to: ['There is no message with this id in this conversation.'] }),
        ...authErrorResponses,
        404: detailAnswer('No such user, or no conversation with them.', 'Not found.'),
      },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const state = await opts.conversations.markRead(req.user!, req.params.user, req.body.up_to);
    return { conversation: state.conversationId, last_read_id: state.lastReadId, unread_count: state.unreadCount };
  });
};
