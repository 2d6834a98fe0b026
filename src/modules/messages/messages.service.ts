import { ApiError, fieldError, notFound, recipientNotFound } from '../../errors.js';
import { type Page, type PageRequest, readPage } from '../../http/pagination.js';
import type { EventSink } from '../../realtime/events.js';
import { publishMessageEvent } from './message-events.js';
import { type BlocksService, cannotMessage } from '../blocks/blocks.service.js';
import type { ConversationsRepository } from '../conversations/conversations.repository.js';
import { identifierLookup, type User } from '../users/user.js';
import type { Static } from 'typebox';
import type { MessageRecord } from './message.js';
import type { HistorySliceSchema } from './messages.schemas.js';
import type { InsertResult, MessagesRepository } from './messages.repository.js';

export interface SendMessageInput {
  recipient: string;
  content: string;
  clientId?: string;
}

/** Where a keyset read of history starts: exactly one of the three. */
export type HistoryCursor = { before: number } | { after: number } | { around: number };

/** A slice of history as the service reads it: the answer's schema, with the messages as stored. */
export type HistorySlice = Omit<Static<typeof HistorySliceSchema>, 'results'> & { results: MessageRecord[] };

const notYourMessage = () => new ApiError(403, { detail: 'You do not have permission to perform this action.' });
const deletedMessage = () => new ApiError(409, { detail: 'This message was deleted.' });
const blank = () => fieldError('content', 'This field may not be blank.');

/**
 * DRF's CharField refuses text holding a surrogate code point: half of a pair alone is no character,
 * and could not be stored as sent (UTF-8 has no form for it).
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/**
 * Nothing but white space as Python's `str.strip` sees it, which DRF's CharField uses: JavaScript's
 * white space less U+FEFF, plus the separators U+001C to U+001F and U+0085.
 */
// eslint-disable-next-line no-control-regex -- the separators U+001C to U+001F are the point
const PYTHON_BLANK = /^[\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

function assertValidContent(content: string): void {
  if (PYTHON_BLANK.test(content)) throw blank();
  // With the u flag a well-formed pair is one code point outside this range: only a lone half matches.
  const lone = LONE_SURROGATE.exec(content);
  if (lone === null) return;
  throw fieldError('content', `Surrogate characters are not allowed: U+${lone[0].codePointAt(0)!.toString(16).toUpperCase()}.`);
}

export function createMessagesService(deps: {
  messages: MessagesRepository;
  conversations: ConversationsRepository;
  blocks: BlocksService;
  events: EventSink;
  now?: () => number;
}) {
  const now = deps.now ?? Date.now;

  /** One message, to its sender or recipient only; to anyone else it does not exist. */
  async function get(caller: User, id: number): Promise<MessageRecord> {
    const message = await deps.messages.findById(id);
    if (!message || (message.sender_id !== caller.id && message.recipient_id !== caller.id)) throw notFound();
    return message;
  }

  /** A message the caller sent: 404 unless they sent or received it, 403 unless they sent it. */
  async function getSent(caller: User, id: number): Promise<MessageRecord> {
    const message = await get(caller, id);
    if (message.sender_id !== caller.id) throw notYourMessage();
    return message;
  }

  return {
    async send(sender: User, input: SendMessageInput): Promise<InsertResult> {
      assertValidContent(input.content);
      const recipient = identifierLookup(input.recipient);
      const result = recipient === null ? 'no-recipient' : await deps.messages.send({
        sender, recipient, content: input.content, clientId: input.clientId ?? null, at: now(),
      });
      if (result === 'no-recipient' || result === 'blocked') {
        // A retry of a send that was stored before the recipient went away or blocked the sender is
        // answered with the original, as any retry is: the client must not take it for unsent.
        const original = input.clientId === undefined ? undefined : await deps.messages.findSent(sender.id, input.clientId);
        if (original) return { message: original, replayed: true };
        throw result === 'blocked' ? cannotMessage() : recipientNotFound();
      }
      if (!result.replayed) publishMessageEvent(deps.events, 'message.created', result.message);
      return result;
    },

    get,

    /**
     * 404 unless the caller sent or received message `id`, 403 unless they sent it: whether they may edit
     * it at all, asked before the body of the edit is read. `edit` asks again, where it writes.
     */
    async assertEditable(caller: User, id: number): Promise<void> {
      await getSent(caller, id);
    },

    /** Changes the text of a message; only its sender may, and not once it is deleted. */
    async edit(caller: User, id: number, content: string): Promise<MessageRecord> {
      assertValidContent(content);
      const message = await getSent(caller, id);
      if (message.deleted_at !== null) throw deletedMessage();
      // An edit changes what the recipient reads and tells their sockets: blocked, the sender may not.
      await deps.blocks.assertMayMessage(caller, { id: message.recipient_id });
      // Deleted or blocked since it was read: the update changes nothing, and says which.
      if (!(await deps.messages.edit(id, content, now()))) {
        await deps.blocks.assertMayMessage(caller, { id: message.recipient_id });
        throw deletedMessage();
      }
      const edited = await get(caller, id);
      publishMessageEvent(deps.events, 'message.updated', edited);
      return edited;
    },

    /** Deletes a message, leaving a tombstone; only its sender may. Deleting twice is harmless. */
    async remove(caller: User, id: number): Promise<MessageRecord> {
      const message = await getSent(caller, id);
      if (await deps.messages.softDelete(message, now())) {
        const deleted = await get(caller, id);
        publishMessageEvent(deps.events, 'message.deleted', deleted);
        return deleted;
      }
      return get(caller, id);
    },

    /** Everything the caller sent or received, oldest first. */
    async listOwn(caller: User, request: PageRequest): Promise<Page<MessageRecord>> {
      const count = await deps.conversations.countMessagesOf(caller.id);
      return readPage(request, count, (offset, limit) => deps.messages.pageOfUser(caller.id, offset, limit));
    },

    /** The conversation between the caller and `peer` (a username or email), oldest first. */
    async conversationPage(caller: User, peer: string, request: PageRequest): Promise<Page<MessageRecord>> {
      const found = await deps.conversations.findPeer(caller.id, peer);
      if (!found) throw notFound();
      const { conversation } = found;
      const count = conversation?.message_count ?? 0;
      const lastId = conversation?.last_message_id ?? null;
      return readPage(request, count, async (offset, limit) => (lastId === null
        ? []
        : deps.messages.pageOfConversation(conversation!.id, [caller, found.peer], lastId, offset, limit, count)));
    },

    /**
     * A slice of the conversation by message id, read from the (conversation, id) index: no offset,
     * no count. `before` answers newest first; `after` and `around` oldest first.
     */
    async history(caller: User, peer: string, cursor: HistoryCursor, limit: number): Promise<HistorySlice> {
      const found = await deps.conversations.findPeer(caller.id, peer);
      if (!found) throw notFound();
      const { conversation } = found;
      if (!conversation || conversation.last_message_id === null) return { results: [], has_older: false, has_newer: false };
      const id = conversation.id;
      const lastId = conversation.last_message_id;
      const members = [caller, found.peer] as const;

      if ('before' in cursor) {
        const { rows, more } = await deps.messages.sliceBefore(id, members, cursor.before, limit);
        return { results: rows, has_older: more, has_newer: lastId >= cursor.before };
      }
      if ('after' in cursor) {
        const { rows, more } = await deps.messages.sliceFrom(id, members, cursor.after + 1, limit);
        return { results: rows, has_older: await deps.messages.hasMessageAtOrBefore(id, cursor.after), has_newer: more };
      }
      const olderCount = Math.floor(limit / 2);
      const [older, newer] = await Promise.all([
        deps.messages.sliceBefore(id, members, cursor.around, olderCount),
        deps.messages.sliceFrom(id, members, cursor.around, limit - olderCount),
      ]);
      return {
        results: [...older.rows.reverse(), ...newer.rows],
        has_older: older.more || (olderCount === 0 && await deps.messages.hasMessageAtOrBefore(id, cursor.around - 1)),
        has_newer: newer.more,
      };
    },
  };
}

export type MessagesService = ReturnType<typeof createMessagesService>;
