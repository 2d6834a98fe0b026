import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import { blockOf } from '../blocks/blocks.repository.js';
import { activeUserBy } from '../users/users.repository.js';

/**
 * The SQL of the messages repository: the shapes that the send path and the history reads run on every
 * request, built and compiled once (see prepareQuery), and the builders they share.
 */
export function createMessageQueries(db: Kysely<DatabaseSchema>, dialect: Dialect) {
  function selectMessages() {
    return db.selectFrom('messages')
      .innerJoin('users as sender', 'sender.id', 'messages.sender_id')
      .innerJoin('users as recipient', 'recipient.id', 'messages.recipient_id')
      .select(['messages.id', 'messages.conversation_id', 'messages.sender_id', 'messages.recipient_id',
        'sender.username as sender_username', 'recipient.username as recipient_username',
        'messages.content', 'messages.created_at', 'messages.edited_at', 'messages.deleted_at', 'messages.client_id']);
  }

  /**
   * A conversation's rows without the users joined in, and without what the reader knows already: the
   * conversation and its two members (see inConversation). Each value read costs, ten rows a page.
   */
  function selectConversationRows() {
    return db.selectFrom('messages')
      .select(['id', 'sender_id', 'content', 'created_at', 'edited_at', 'deleted_at', 'client_id']);
  }

  /**
   * The messages of conversation `conversationId` whose ids are within `bounds`, in id order, read from the
   * (conversation_id, id) index. PostgreSQL is given the range as comparisons of (conversation_id, id) pairs
   * and the order as both columns: the primary key can then give neither, so whatever its statistics, the
   * planner cannot walk the primary key instead, filtering out every other conversation's messages as it
   * goes, which it does for `conversation_id = ?` once statistics show one conversation holding many rows.
   * SQLite, which plans without statistics, keeps `conversation_id = ?` and the id range on the same index.
   */
  function withinConversation<QB extends SelectQueryBuilder<DatabaseSchema, 'messages', object>>(query: QB, conversationId: number,
    bounds: { above?: number; from?: number; below?: number; upTo?: number }, direction: 'asc' | 'desc'): QB {
    if (dialect === 'sqlite') {
      let sliced = query.where('conversation_id', '=', conversationId);
      if (bounds.above !== undefined) sliced = sliced.where('id', '>', bounds.above);
      if (bounds.from !== undefined) sliced = sliced.where('id', '>=', bounds.from);
      if (bounds.below !== undefined) sliced = sliced.where('id', '<', bounds.below);
      if (bounds.upTo !== undefined) sliced = sliced.where('id', '<=', bounds.upTo);
      return sliced.orderBy('id', direction) as QB;
    }
    const pair = (id: number) => sql<unknown>`(${conversationId}::bigint, ${id}::bigint)`;
    const lower = bounds.from !== undefined ? sql<boolean>`(conversation_id, id) >= ${pair(bounds.from)}`
      : sql<boolean>`(conversation_id, id) > ${pair(bounds.above ?? 0)}`;
    const upper = bounds.below !== undefined ? sql<boolean>`(conversation_id, id) < ${pair(bounds.below)}`
      : sql<boolean>`(conversation_id, id) <= ${pair(bounds.upTo ?? Number.MAX_SAFE_INTEGER)}`;
    return query.where(lower).where(upper).orderBy('conversation_id', direction).orderBy('id', direction) as QB;
  }

  /** Counts a message in the pair's conversation; no row when there is none yet, or the recipient blocked the sender. */
  const countMessageUnlessBlocked = prepareQuery((low: number, high: number, at: number, senderId: number, recipientId: number) => db
    .updateTable('conversations')
    .set((eb) => ({ message_count: eb('message_count', '+', 1), updated_at: at }))
    .where('user_low_id', '=', low).where('user_high_id', '=', high)
    .where((eb) => eb.not(eb.exists(blockOf(db, recipientId, senderId))))
    .returning('id'));
  const insertMessage = prepareQuery((conversationId: number, senderId: number, recipientId: number, content: string,
    at: number, clientId: string | null) => db.insertInto('messages').values({
    conversation_id: conversationId, sender_id: senderId, recipient_id: recipientId, content, created_at: at, client_id: clientId,
  }).returning('id'));
  const setLastMessage = prepareQuery((conversationId: number, messageId: number) => db.updateTable('conversations')
    .set({ last_message_id: messageId }).where('id', '=', conversationId));
  const advanceMembers = prepareQuery((conversationId: number, messageId: number, recipientId: number, unreadIncrement: number) =>
    db.updateTable('conversation_members')
      .set((eb) => ({
        last_message_id: messageId,
        hidden: 0,
        unread_count: eb('unread_count', '+', eb.case().when('user_id', '=', recipientId).then(unreadIncrement).else(0).end()),
      }))
      .where('conversation_id', '=', conversationId));
  const activeRecipientBy = {
    username_lower: prepareQuery((key: string) => activeUserBy(db, 'username_lower', key)),
    email_lower: prepareQuery((key: string) => activeUserBy(db, 'email_lower', key)),
  };
  const recipientBlocksSender = prepareQuery((blockerId: number, blockedId: number) => blockOf(db, blockerId, blockedId));
  const messageById = prepareQuery((id: number) => selectMessages().where('messages.id', '=', id));
  // A page of the conversation's messages up to `lastId`, read from one end: see pageOfConversation.
  const pageFrom = (direction: 'asc' | 'desc') => prepareQuery((conversationId: number, lastId: number, limit: number, offset: number) =>
    withinConversation(selectConversationRows(), conversationId, { upTo: lastId }, direction).limit(rowLimit(limit)).offset(offset));
  const pageOldestFirst = pageFrom('asc');
  const pageNewestFirst = pageFrom('desc');
  const rowsOlderThan = prepareQuery((conversationId: number, beforeId: number, limit: number) =>
    withinConversation(selectConversationRows(), conversationId, { below: beforeId }, 'desc').limit(rowLimit(limit)));
  const rowsFromId = prepareQuery((conversationId: number, fromId: number, limit: number) =>
    withinConversation(selectConversationRows(), conversationId, { from: fromId }, 'asc').limit(rowLimit(limit)));
  const idAtOrBefore = prepareQuery((conversationId: number, id: number) =>
    withinConversation(db.selectFrom('messages').select('id'), conversationId, { upTo: id }, 'desc').limit(rowLimit(1)));

  return {
    selectMessages, countMessageUnlessBlocked, insertMessage, setLastMessage, advanceMembers, activeRecipientBy,
    recipientBlocksSender, messageById, pageOldestFirst, pageNewestFirst, rowsOlderThan, rowsFromId, idAtOrBefore,
  };
}

export type MessageQueries = ReturnType<typeof createMessageQueries>;
