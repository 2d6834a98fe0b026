import { Type } from 'typebox';
import { NO_NUL, NullableString, PageOf } from '../../http/common.schemas.js';

export const MESSAGE_MAX_LENGTH = 10_000;

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  sender: Type.Integer({ description: 'The sender\'s user id.' }),
  recipient: Type.Integer({ description: 'The recipient\'s user id.' }),
  sender_username: Type.String(),
  recipient_username: Type.String(),
  content: Type.String({ description: 'Empty once the message is deleted.' }),
  timestamp: Type.String({ format: 'date-time', description: 'When it was sent (UTC).' }),
  edited_at: NullableString({ format: 'date-time' }),
  client_id: NullableString({ description: 'The idempotency key it was sent with, if any: shown to its sender only, `null` to its recipient.' }),
  deleted: Type.Boolean({ description: 'A deleted message stays in the history as a tombstone: no content.' }),
  conversation: Type.Integer({ description: 'The conversation id (one conversation per pair of users).' }),
}, {
  title: 'Message',
  examples: [{
    id: 42, sender: 1, recipient: 2, sender_username: 'alice', recipient_username: 'bob', content: 'Hello, Bob!',
    timestamp: '2026-11-25T16:27:37.552Z', edited_at: null, client_id: null, deleted: false, conversation: 7,
  }],
});

export const MessagesPage = PageOf(MessageSchema, 'MessagesPage');

const Content = Type.String({
  minLength: 1,
  maxLength: MESSAGE_MAX_LENGTH,
  ...NO_NUL,
  description: `1 to ${MESSAGE_MAX_LENGTH} characters (Unicode code points), not only white space, no NUL.`,
  examples: ['Hello, Bob!'],
});

export const SendMessageBody = Type.Object({
  recipient: Type.String({ minLength: 1, maxLength: 254, ...NO_NUL, description: 'Username or email of the recipient.', examples: ['bob'] }),
  content: Content,
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

export const EditMessageBody = Type.Object({ content: Content }, { title: 'MessageEdit' });

const MessageId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
export const HISTORY_DEFAULT_LIMIT = 50;
export const HISTORY_MAX_LIMIT = 100;

export const ConversationQuery = Type.Object({
  page: Type.Optional(Type.String({ description: 'Page-number form: page number (1 is the oldest) or `last`.', examples: ['1', 'last'] })),
  page_size: Type.Optional(Type.String({ description: 'Page-number form: messages per page (default 10, at most 100).', examples: ['10'] })),
  before: Type.Optional({ ...MessageId, description: 'Keyset form: messages older than this id, newest first.' }),
  after: Type.Optional({ ...MessageId, minimum: 0, description: 'Keyset form: messages newer than this id, oldest first; `after=0` reads from the oldest.' }),
  around: Type.Optional({ ...MessageId, description: 'Keyset form: this message with the ones just before and after it, oldest first.' }),
  // Capped rather than refused above the maximum, as DRF caps a page size.
  limit: Type.Optional(Type.Integer({ minimum: 1, description: `Keyset form: at most this many messages (default ${HISTORY_DEFAULT_LIMIT}; above ${HISTORY_MAX_LIMIT} counts as ${HISTORY_MAX_LIMIT}).` })),
});

export const HistorySliceSchema = Type.Object({
  results: Type.Array(MessageSchema),
  has_older: Type.Boolean({ description: 'Older messages exist: ask again with before=<the oldest id here>.' }),
  has_newer: Type.Boolean({ description: 'Newer messages exist: ask again with after=<the newest id here>.' }),
}, { title: 'HistorySlice' });

export const ConversationPage = Type.Union([MessagesPage, HistorySliceSchema]);
