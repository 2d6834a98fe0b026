import { Type } from 'typebox';
import { PageOf } from '../../http/common.schemas.js';

export const MESSAGE_MAX_LENGTH = 10_000;

/** DRF's ProhibitNullCharactersValidator, which every CharField has. */
const NO_NUL = { pattern: '^[^\\u0000]*$', 'x-error': 'Null characters are not allowed.' } as const;

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  sender: Type.Integer({ description: 'The sender\'s user id.' }),
  recipient: Type.Integer({ description: 'The recipient\'s user id.' }),
  sender_username: Type.String(),
  recipient_username: Type.String(),
  content: Type.String(),
  timestamp: Type.String({ format: 'date-time', description: 'When it was sent (UTC).' }),
  edited_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  client_id: Type.Union([Type.String(), Type.Null()], { description: 'The idempotency key it was sent with, if any.' }),
}, {
  title: 'Message',
  examples: [{
    id: 42, sender: 1, recipient: 2, sender_username: 'alice', recipient_username: 'bob', content: 'Hello, Bob!',
    timestamp: '2026-11-25T16:27:37.552Z', edited_at: null, client_id: null,
  }],
});

export const MessagesPage = PageOf(MessageSchema, 'MessagesPage');

export const SendMessageBody = Type.Object({
  recipient: Type.String({ minLength: 1, maxLength: 254, ...NO_NUL, description: 'Username or email of the recipient.', examples: ['bob'] }),
  content: Type.String({
    minLength: 1,
    maxLength: MESSAGE_MAX_LENGTH,
    ...NO_NUL,
    description: `1 to ${MESSAGE_MAX_LENGTH} characters (Unicode code points), not only white space, no NUL.`,
    examples: ['Hello, Bob!'],
  }),
  client_id: Type.Optional(Type.String({
    format: 'uuid',
    description: 'A UUID chosen by the client. Sending again with the same one returns the original message (200).',
  })),
}, { title: 'NewMessage' });

export const SendMessageHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x21-\\x7e]+$',
    'x-error': 'Use 1 to 255 visible ASCII characters.',
    description: 'Same role as `client_id` in the body (which wins when both are given).',
  })),
});

export const RecipientParams = Type.Object({
  recipient: Type.String({ description: 'Username or email of the other user.' }),
});

export const MessageIdParams = Type.Object({
  id: Type.String({ description: 'The message id.' }),
});
