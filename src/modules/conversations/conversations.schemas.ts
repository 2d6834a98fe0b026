import { Type } from 'typebox';
import { NullableString } from '../../http/common.schemas.js';
import { MessageSchema } from '../messages/messages.schemas.js';
import { OtherUserSchema } from '../users/users.schemas.js';

export const INBOX_DEFAULT_LIMIT = 20;
export const INBOX_MAX_LIMIT = 100;

export const InboxQuery = Type.Object({
  before: Type.Optional(Type.Integer({
    minimum: 1, maximum: Number.MAX_SAFE_INTEGER,
    description: 'Cursor: conversations whose last message is older than this message id (take it from `next`).',
  })),
  // Capped rather than refused above the maximum, as DRF caps a page size.
  limit: Type.Optional(Type.Integer({ minimum: 1, description: `At most this many (default ${INBOX_DEFAULT_LIMIT}; above ${INBOX_MAX_LIMIT} counts as ${INBOX_MAX_LIMIT}).` })),
});

export const InboxEntrySchema = Type.Object({
  id: Type.Integer({ description: 'The conversation id.' }),
  peer: OtherUserSchema,
  last_message: MessageSchema,
  message_count: Type.Integer(),
  unread_count: Type.Integer({ description: 'Messages from the peer after your read mark (deleted ones do not count).' }),
  last_read_id: Type.Integer({ description: 'The id of the last message you marked read (0 for none).' }),
}, { title: 'InboxEntry' });

export const InboxPageSchema = Type.Object({
  next: NullableString({ description: 'Absolute URL of the next page, or null.' }),
  results: Type.Array(InboxEntrySchema),
}, { title: 'Inbox' });

export const PeerParams = Type.Object({
  user: Type.String({ description: 'Username or email of the other member of the conversation.' }),
});

export const MarkReadBody = Type.Object({
  up_to: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'A message id of this conversation.', examples: [42] }),
}, { title: 'ReadMark' });

export const ReadStateSchema = Type.Object({
  conversation: Type.Integer(),
  last_read_id: Type.Integer({ description: 'Never moves back: reading up to an older id leaves it as it was.' }),
  unread_count: Type.Integer(),
}, { title: 'ReadState' });
