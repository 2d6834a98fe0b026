import type { Kysely, Transaction } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { uniqueViolation } from '../../db/constraint-violation.js';
import type { TransactionRunner } from '../../db/group-commit.js';
import { rowLimit } from '../../db/limit.js';
import type { DatabaseSchema } from '../../db/schema.js';
import { orderedPair } from '../conversations/conversations.repository.js';
import type { IdentifierLookup, User } from '../users/user.js';
import { type ConversationRow, inConversation, type MessageRecord } from './message.js';
import { createMessageQueries } from './message-queries.js';
import { createPostgresSend } from './postgres-send.js';

export interface OutgoingMessage {
  sender: User;
  /** The recipient, an active user, by username or email. */
  recipient: IdentifierLookup;
  content: string;
  clientId: string | null;
  at: number;
}

/** The two members of a conversation (the same user twice for one's own notes). */
export type Members = readonly [User, User];

/** The recipient has blocked the sender: found where the message is written, which rolls back. */
class SendBlocked extends Error {}

export interface InsertResult {
  message: MessageRecord;
  /** True when the sender had already sent a message with this client id: that one is returned. */
  replayed: boolean;
}

/**
 * `transactions` runs each send's writes; with SQLite it group-commits concurrent sends. On
 * PostgreSQL a send is one statement instead, which also finds the recipient and checks the block
 * (two for a pair's first message: see postgres-send.ts).
 */
export function createMessagesRepository(db: Kysely<DatabaseSchema>, options: {
  transactions: TransactionRunner;
  dialect: Dialect;
  /** Told after a commit that erased text (an edit or a delete); see Database.erased. */
  erased?: () => void;
}) {
  const { transactions, dialect, erased = () => {} } = options;
  const postgresSend = dialect === 'postgres' ? createPostgresSend(db) : null;

  const queries = createMessageQueries(db, dialect);
  const { selectMessages } = queries;

  /**
   * Counts a new message in the pair's conversation and answers the conversation's id; on the pair's
   * first message it creates the conversation and its member rows first. The update locks the conversation row before the message
   * takes its id, so that a conversation's messages commit in id order: the last message is the
   * newest, a read mark names a message older than any still in flight, and a reader paging with
   * after= never skips one.
   *
   * The recipient's blocks are checked again here, where the message is written, so that a block that
   * landed after the caller looked (a send already in flight) still refuses it: on SQLite writes are
   * serial, so none slips past a block that committed first. Throws SendBlocked, so that the unit is
   * rolled back. The count is the transaction's first statement and a write: on SQLite a transaction
   * that read first could not wait for another writer's lock (SQLite refuses at once rather than risk
   * a deadlock), where a first write waits out the busy timeout.
   */
  async function countOrCreateConversation(trx: Transaction<DatabaseSchema>, senderId: number, recipientId: number, at: number): Promise<number> {
    const [low, high] = orderedPair(senderId, recipientId);
    const counted = await queries.countMessageUnlessBlocked.first(trx, low, high, at, senderId, recipientId);
    if (counted) return counted.id;
    // No row: the pair's first message, or a block.
    if (recipientId !== senderId && await queries.recipientBlocksSender.first(trx, recipientId, senderId)) throw new SendBlocked();
    // Concurrent first messages: the unique pair lets one insert win; the others wait for it and count in its row.
    await trx.insertInto('conversations')
      .values({ user_low_id: low, user_high_id: high, last_message_id: null, message_count: 0, updated_at: at })
      .onConflict((oc) => oc.columns(['user_low_id', 'user_high_id']).doNothing())
      .execute();
    const { id } = (await queries.countMessageUnlessBlocked.first(trx, low, high, at, senderId, recipientId))!;
    const members = low === high ? [low] : [low, high];
    await trx.insertInto('conversation_members')
      .values(members.map((userId) => ({ conversation_id: id, user_id: userId, last_read_id: 0, unread_count: 0, hidden: 0 })))
      .onConflict((oc) => oc.columns(['conversation_id', 'user_id']).doNothing())
      .execute();
    return id;
  }

  /** The message `senderId` sent with this client id, if any. */
  function findSent(senderId: number, clientId: string): Promise<MessageRecord | undefined> {
    return selectMessages().where('messages.sender_id', '=', senderId).where('messages.client_id', '=', clientId).executeTakeFirst();
  }

  /**
   * The recipient, and the message stored in one statement when that could be done (PostgreSQL); null
   * for no such recipient.
   */
  async function findRecipientAndSend(message: OutgoingMessage): Promise<{ recipient: User; sent?: { id: number; conversationId: number } } | null> {
    if (postgresSend === null) {
      const { column, key } = message.recipient;
      return await queries.activeRecipientBy[column].first(db, key).then((recipient) => recipient ? { recipient } : null);
    }
    const result = await postgresSend.send(message);
    if (result === null) return null;
    if (result.blocked) throw new SendBlocked();
    return { recipient: result.recipient, sent: result.sent };
  }

  return {
    /**
     * Stores a message to an active user, and keeps its conversation's counters, in one transaction;
     * 'no-recipient' when there is no such user, 'blocked' when the recipient has blocked the sender. A
     * repeated client id is caught by the unique (sender, client id) index, never by a prior read.
     */
    async send(message: OutgoingMessage): Promise<InsertResult | 'no-recipient' | 'blocked'> {
      try {
        const found = await findRecipientAndSend(message);
        if (!found) return 'no-recipient';
        const { recipient } = found;
        const { id, conversationId } = found.sent ?? await transactions.run(async (trx) => {
          const conversationId = await countOrCreateConversation(trx, message.sender.id, recipient.id, message.at);
          const { id } = (await queries.insertMessage.first(trx, conversationId, message.sender.id, recipient.id,
            message.content, message.at, message.clientId))!;
          await queries.setLastMessage.run(trx, conversationId, id);
          // Both members' inbox rows move to this message; the recipient has one more unread.
          const unreadIncrement = recipient.id === message.sender.id ? 0 : 1;
          await queries.advanceMembers.run(trx, conversationId, id, recipient.id, unreadIncrement);
          return { id, conversationId };
        });
        return {
          message: {
            id,
            conversation_id: conversationId,
            sender_id: message.sender.id,
            recipient_id: recipient.id,
            sender_username: message.sender.username,
            recipient_username: recipient.username,
            content: message.content,
            created_at: message.at,
            edited_at: null,
            deleted_at: null,
            client_id: message.clientId,
          },
          replayed: false,
        };
      } catch (error) {
        if (error instanceof SendBlocked) return 'blocked';
        if (message.clientId === null || uniqueViolation(error) === null) throw error;
        const original = await findSent(message.sender.id, message.clientId);
        if (!original) throw error;
        return { message: original, replayed: true };
      }
    },

    findById(id: number): Promise<MessageRecord | undefined> {
      return queries.messageById.first(db, id);
    },

    findSent,

    /**
     * Rows `offset .. offset+limit` of a conversation whose `count` messages end with `lastId`, oldest
     * first. Pages in the newer half are read from the newest end, so the last page costs what the
     * first does. Only messages up to `lastId` count: messages commit in id order, so those are the
     * `count` messages, whatever was sent since they were counted (on PostgreSQL the count and the
     * page are two reads, and a page read from the newest end would otherwise shift).
     */
    async pageOfConversation(conversationId: number, members: Members, lastId: number, offset: number, limit: number,
      count: number): Promise<MessageRecord[]> {
      if (offset <= count / 2) return inMembers(await queries.pageOldestFirst.all(db, conversationId, lastId, limit, offset), conversationId, members);
      const fromEnd = Math.max(0, count - offset - limit);
      const rows = await queries.pageNewestFirst.all(db, conversationId, lastId, Math.min(limit, count - offset), fromEnd);
      return inMembers(rows.reverse(), conversationId, members);
    },

    /** Up to `limit` messages older than `beforeId`, newest first, and whether more lie beyond. */
    async sliceBefore(conversationId: number, members: Members, beforeId: number, limit: number): Promise<{ rows: MessageRecord[]; more: boolean }> {
      const rows = await queries.rowsOlderThan.all(db, conversationId, beforeId, limit + 1);
      return { rows: inMembers(rows.slice(0, limit), conversationId, members), more: rows.length > limit };
    },

    /** Up to `limit` messages from `fromId` on (inclusive), oldest first, and whether more lie beyond. */
    async sliceFrom(conversationId: number, members: Members, fromId: number, limit: number): Promise<{ rows: MessageRecord[]; more: boolean }> {
      const rows = await queries.rowsFromId.all(db, conversationId, fromId, limit + 1);
      return { rows: inMembers(rows.slice(0, limit), conversationId, members), more: rows.length > limit };
    },

    /** Whether the conversation has a message with an id at most `id`: one probe of the index. */
    async hasMessageAtOrBefore(conversationId: number, id: number): Promise<boolean> {
      return (await queries.idAtOrBefore.first(db, conversationId, id)) !== undefined;
    },

    /** Changes a message's text; false when it is deleted, or its recipient blocked its sender meanwhile. */
    async edit(id: number, content: string, at: number): Promise<boolean> {
      const result = await db.updateTable('messages').set({ content, edited_at: at })
        .where('id', '=', id).where('deleted_at', 'is', null)
        .where((eb) => eb.not(eb.exists(eb.selectFrom('blocks').select('blocker_id')
          .whereRef('blocker_id', '=', 'messages.recipient_id').whereRef('blocked_id', '=', 'messages.sender_id'))))
        .executeTakeFirst();
      const changed = Number(result.numUpdatedRows) > 0;
      if (changed) erased();
      return changed;
    },

    /**
     * Turns a message into a tombstone: the content is erased from storage, the row stays so that
     * history keeps its shape. An unread deleted message stops counting as unread. Returns false when
     * it was deleted already.
     */
    async softDelete(message: MessageRecord, at: number): Promise<boolean> {
      const deleted = await db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('messages').set({ content: null, deleted_at: at })
          .where('id', '=', message.id).where('deleted_at', 'is', null).executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) return false;
        if (message.recipient_id === message.sender_id) return true;
        await trx.updateTable('conversation_members')
          .set((eb) => ({ unread_count: eb('unread_count', '-', 1) }))
          .where('conversation_id', '=', message.conversation_id)
          .where('user_id', '=', message.recipient_id)
          .where('last_read_id', '<', message.id)
          .where('unread_count', '>', 0)
          .execute();
        return true;
      });
      if (deleted) erased();
      return deleted;
    },

    /** Rows of everything the user sent or received, oldest first. */
    pageOfUser(userId: number, offset: number, limit: number): Promise<MessageRecord[]> {
      return selectMessages()
        .where('messages.conversation_id', 'in', db.selectFrom('conversation_members')
          .select('conversation_id').where('user_id', '=', userId))
        .orderBy('messages.id', 'asc').limit(rowLimit(limit)).offset(offset).execute();
    },
  };
}

export type MessagesRepository = ReturnType<typeof createMessagesRepository>;

function inMembers(rows: readonly ConversationRow[], conversationId: number, [a, b]: Members): MessageRecord[] {
  return rows.map((row) => inConversation(row, conversationId, a, b));
}
