import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { notFound } from '../../errors.js';
import { authErrorResponses, Detail, FieldErrors, PageQuery } from '../../http/common.schemas.js';
import { pageEnvelope, readPageRequest } from '../../http/pagination.js';
import { presentMessage } from './message.js';
import { MessageIdParams, MessageSchema, MessagesPage, RecipientParams, SendMessageBody, SendMessageHeaders } from './messages.schemas.js';
import type { MessagesService } from './messages.service.js';

const RecipientNotFound = Type.Object({ error: Type.String(), recipient: Type.Array(Type.String()) }, {
  title: 'RecipientNotFound',
  examples: [{ error: 'Recipient not found', recipient: ['No user with this username or email.'] }],
});

/** One spelling per UUID (lowercase, no `urn:uuid:`), as DRF's UUIDField gives it back: one UUID, one key. */
function canonicalUuid(value: string | undefined): string | undefined {
  return value?.toLowerCase().replace(/^urn:uuid:/, '');
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
        400: { description: 'Invalid field, or no such recipient.', anyOf: [FieldErrors, RecipientNotFound] },
        ...authErrorResponses,
      },
    },
    onRequest: app.requireUser,
  }, async (req, reply) => {
    const { message, replayed } = await opts.messages.send(req.user!, {
      recipient: req.body.recipient,
      content: req.body.content,
      clientId: canonicalUuid(req.body.client_id) ?? req.headers['idempotency-key'],
    });
    return reply.code(replayed ? 200 : 201).send(presentMessage(message));
  });

  app.get('/messages/', {
    schema: {
      tags: ['messages'],
      summary: 'List your messages',
      description: 'Every message you sent or received, oldest first. Nobody else\'s.',
      querystring: PageQuery,
      response: { 200: MessagesPage, ...authErrorResponses, 404: { ...Detail, description: 'Invalid page.' } },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const page = await opts.messages.listOwn(req.user!, readPageRequest(req.query));
    return pageEnvelope(req, page, presentMessage);
  });

  app.get('/messages/:id/', {
    schema: {
      tags: ['messages'],
      summary: 'Read one of your messages',
      params: MessageIdParams,
      response: { 200: MessageSchema, ...authErrorResponses, 404: { ...Detail, description: 'No such message of yours.' } },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    if (!/^\d{1,15}$/.test(req.params.id)) throw notFound();
    return presentMessage(await opts.messages.get(req.user!, Number(req.params.id)));
  });

  app.get('/list-messages/:recipient/', {
    schema: {
      tags: ['messages'],
      summary: 'The conversation with one user',
      description: 'Messages between you and that user (a username or an email), oldest first: page 1 holds the '
        + 'oldest, `?page=last` the newest. `count` is the number of messages in the conversation.',
      params: RecipientParams,
      querystring: PageQuery,
      response: { 200: MessagesPage, ...authErrorResponses, 404: { ...Detail, description: 'No such user, or an invalid page.' } },
    },
    onRequest: app.requireUser,
  }, async (req) => {
    const page = await opts.messages.conversationPage(req.user!, req.params.recipient, readPageRequest(req.query));
    return pageEnvelope(req, page, presentMessage);
  });
};
