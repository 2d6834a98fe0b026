import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ApiError, notFound } from '../../errors.js';
import { authErrorResponses, Detail, detailAnswer, FieldErrors, fieldErrorsAnswer, PageQuery } from '../../http/common.schemas.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import { presentMessage } from './message.js';
import {
  ConversationPage, ConversationQuery, EditMessageBody, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT, MessageIdParams, MessageSchema,
  MessagesPage, RecipientParams, SendMessageBody, SendMessageHeaders,
} from './messages.schemas.js';
import type { MessagesService } from './messages.service.js';

const RecipientNotFound = Type.Object({ error: Type.String(), recipient: Type.Array(Type.String()) }, {
  title: 'RecipientNotFound',
  examples: [{ error: 'Recipient not found', recipient: ['No user with this username or email.'] }],
});

/** One spelling per UUID (lowercase, no `urn:uuid:`), as DRF's UUIDField gives it back: one UUID, one key. */
function canonicalUuid(value: string | undefined): string | undefined {
  return value?.toLowerCase().replace(/^urn:uuid:/, '');
}

const UUID_SHAPED = /^(urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An Idempotency-Key is compared as sent, unless it is a UUID: then it is the same key as that `client_id`. */
function idempotencyKey(header: string | undefined): string | undefined {
  return header !== undefined && UUID_SHAPED.test(header) ? canonicalUuid(header) : header;
}

export const messagesRoutes: FastifyPluginAsyncTypebox<{ messages: MessagesService }> = async (app, opts) => {
  app.post('/messages/', {
    schema: {
      tags: ['messages'],
      summary: 'Send a message',
      description: 'The recipient is a username or an email. With a `client_id` (or an `Idempotency-Key` header) '
        + 'that this sender used before, nothing new is stored and the original message comes back with 200.',
      body: SendMessageBody,
      headers: SendMessageHeaders,
      response: {
        201: { ...MessageSchema, description: 'Sent.' },
        200: { ...MessageSchema, description: 'Already sent with this client_id: the original message.' },
        400: {
          description: 'Invalid field, or no such recipient.',
          anyOf: [FieldErrors, RecipientNotFound],
          examples: [{ content: ['This field may not be blank.'] }, { error: 'Recipient not found', recipient: ['No user with this username or email.'] }],
        },
        ...authErrorResponses,
      },
    },
    onRequest: app.requireUser,
    config: { throttle: 'send' },
  }, async (req, reply) => {
    const { message, replayed } = await opts.messages.send(req.user!, {
      recipient: req.body.recipient,
      content: req.body.content,
      clientId: canonicalUuid(req.body.client_id) ?? idempotencyKey(req.headers['idempotency-key']),
    });
    return reply.code(replayed ? 200 : 201).send(presentMessage(message, req.user!.id));
  });

  app.get('/messages/', {
    schema: {
      tags: ['messages'],
      summary: 'List your messages',
      description: 'Every message you sent or received, oldest first. Nobody else\'s.',
      querystring: PageQuery,
      response: { 200: MessagesPage, ...authErrorResponses, 404: detailAnswer('A page past the last.', 'Invalid page.') },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const page = await opts.messages.listOwn(req.user!, readPageRequest(req.query));
    return pageEnvelope(req, page, (message) => presentMessage(message, req.user!.id));
  });

  const messageId = (raw: string) => {
    if (!/^\d{1,15}$/.test(raw)) throw notFound();
    return Number(raw);
  };

  app.get('/messages/:id/', {
    schema: {
      tags: ['messages'],
      summary: 'Read one of your messages',
      params: MessageIdParams,
      response: { 200: MessageSchema, ...authErrorResponses, 404: detailAnswer('No such message of yours.', 'Not found.') },
    },
    onRequest: app.requireUser,
  }, async (req) => presentMessage(await opts.messages.get(req.user!, messageId(req.params.id)), req.user!.id));

  app.patch('/messages/:id/', {
    schema: {
      tags: ['messages'],
      summary: 'Edit a message you sent',
      description: 'Replaces the content and sets `edited_at`. Only the sender may, and not once the recipient has '
        + 'blocked them; a deleted message cannot be edited.',
      params: MessageIdParams,
      body: EditMessageBody,
      response: {
        200: MessageSchema,
        400: fieldErrorsAnswer('The new content is missing, blank or too long.', { content: ['This field may not be blank.'] }),
        403: detailAnswer('Not logged in, CSRF, not the sender, or blocked by the recipient.',
          'You do not have permission to perform this action.', 'You cannot message this user.'),
        404: detailAnswer('No such message of yours.', 'Not found.'),
        409: detailAnswer('The message was deleted.', 'This message was deleted.'),
      },
    },
    onRequest: app.requireUser,
    // As DRF's update: the message is found and the caller's right to it checked (404, 403) before the body
    // is parsed (415, malformed JSON) or validated.
    preParsing: async (req, _reply, payload) => {
      await opts.messages.assertEditable(req.user!, messageId(req.params.id));
      return payload;
    },
  }, async (req) => presentMessage(await opts.messages.edit(req.user!, messageId(req.params.id), req.body.content), req.user!.id));

  app.delete('/messages/:id/', {
    schema: {
      tags: ['messages'],
      summary: 'Delete a message you sent',
      description: 'The content is erased from storage; the message stays in the history as a tombstone '
        + '(`"deleted": true`, empty content). Only the sender may. Deleting again changes nothing.',
      params: MessageIdParams,
      response: {
        204: { type: 'null', description: 'Deleted.' },
        403: detailAnswer('Not logged in, CSRF, or not the sender.', 'You do not have permission to perform this action.'),
        404: detailAnswer('No such message of yours.', 'Not found.'),
      },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    await opts.messages.remove(req.user!, messageId(req.params.id));
    return reply.code(204).send(null);
  });

  app.get('/list-messages/:recipient/', {
    schema: {
      tags: ['messages'],
      summary: 'The conversation with one user',
      description: 'Messages between you and that user (a username or an email), in one of two forms.\n\n'
        + '**Page numbers** (the original form): oldest first, page 1 holds the oldest, `?page=last` the newest; '
        + '`count` is the number of messages in the conversation.\n\n'
        + '**Keyset** (for clients that scroll): `?before=<id>` (newest first), `?after=<id>` or `?around=<id>` '
        + '(oldest first), with `limit` (default 50, at most 100), answering `{"results", "has_older", "has_newer"}`. '
        + 'It costs the same wherever in the history it reads.',
      params: RecipientParams,
      querystring: ConversationQuery,
      response: {
        200: ConversationPage,
        400: {
          description: 'A cursor or limit that is not a valid number (by field), or more than one of before, after and around.',
          anyOf: [FieldErrors, Detail],
          examples: [{ before: ['A valid integer is required.'] }, { detail: 'Use only one of before, after and around.' }],
        },
        ...authErrorResponses,
        404: detailAnswer('No such user, or a page past the last.', 'Not found.', 'Invalid page.'),
      },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const { before, after, around } = req.query;
    const cursors = [before, after, around].filter((value) => value !== undefined).length;
    if (cursors > 1) throw new ApiError(400, { detail: 'Use only one of before, after and around.' });
    if (cursors === 1) {
      const cursor = before !== undefined ? { before } : after !== undefined ? { after } : { around: around! };
      const limit = Math.min(req.query.limit ?? HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT);
      const slice = await opts.messages.history(req.user!, req.params.recipient, cursor, limit);
      return { ...slice, results: slice.results.map((message) => presentMessage(message, req.user!.id)) };
    }
    const page = await opts.messages.conversationPage(req.user!, req.params.recipient, readPageRequest(req.query));
    return pageEnvelope(req, page, (message) => presentMessage(message, req.user!.id));
  });
};
