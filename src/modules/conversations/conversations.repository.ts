import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../../db/database.js';
import { rowLimit } from '../../db/limit.js';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import { type ConversationRow, inConversation, type MessageRecord } from '../messages/message.js';
import { type IdentifierColumn, identifierLookup, type User } from '../users/user.js';

export interface ConversationSummary {
  readonly id: number;
  readonly message_count: number;
  readonly last_message_id: number | null;
}

/** One row of a user's inbox: the other member, the latest message and the user's read state. */
export interface InboxEntry {
  readonly id: number;
  readonly peer: User;
  readonly lastMessage: MessageRecord;
  readonly messageCount: number;
  readonly unreadCount: number;
  readonly lastReadId: number;
}

export interface PeerConversation {
  readonly peer: User;
  readonly conversation: ConversationSummary | null;
}

export interface ReadState {
  readonly lastReadId: number;
  readonly unreadCount: number;
}

/** A read state, and whether the mark moved to reach it. */
export interface MarkedRead extends ReadState {
  readonly moved: boolean;
}

/** Conversations are keyed by the ordered pair of their members' ids. */
export function orderedPair(a: number, b: number): [low: number, high: number] {
  return a <= b ? [a, b] : [b, a];
}

export function createConversationsRepository(db: Kysely<DatabaseSchema>, dialect: Dialect) {
  function peerWithConversation(key: IdentifierColumn) {
    return prepareQuery((callerId: number, identifier: string) => db.selectFrom('users as peer')
      .leftJoin('conversations as conversation', (join) => join
        .on('conversation.user_low_id', '=', sql<number>`case when peer.id < ${callerId} then peer.id else ${callerId} end`)
        .on('conversation.user_high_id', '=', sql<number>`case when peer.id < ${callerId} then ${callerId} else peer.id end`))
      .select(['peer.id', 'peer.username', 'peer.email', 'conversation.id as conversation_id',
        'conversation.message_count', 'conversation.last_message_id'])
      // A deactivated user stays readable to those who share a conversation with them, and to nobody else.
      .where((eb) => eb.or([eb('peer.is_active', '=', 1), eb('conversation.id', 'is not', null)]))
      .where(`peer.${key}`, '=', identifier));
  }
  const peerByColumn = { username_lower: peerWithConversation('username_lower'), email_lower: peerWithConversation('email_lower') };
  // The first inbox page reads below the highest possible id, so that one shape serves every page.
  const inboxColumns = [
    'conversation.id as conversation_id', 'conversation.message_count',
    'member.unread_count', 'member.last_read_id', 'last.id',
    'peer.id as peer_id', 'peer.username as peer_username', 'peer.email as peer_email',
    'last.sender_id', 'last.content', 'last.created_at', 'last.edited_at',
    'last.deleted_at', 'last.client_id',
  ] as const;
  const peerOf = (userId: number) => sql<number>`case
      when conversation.user_low_id = ${userId} then conversation.user_high_id
      else conversation.user_low_id end`;
  const inboxRows = dialect === 'sqlite'
    ? prepareQuery((userId: number, beforeMessageId: number, limit: number) => db
      .selectFrom('conversation_members as member')
      .innerJoin('conversations as conversation', 'conversation.id', 'member.conversation_id')
      .innerJoin('users as peer', (join) => join.onRef('peer.id', '=', peerOf(userId)))
      .innerJoin('messages as last', 'last.id', 'member.last_message_id')
      .select(inboxColumns)
      .where('member.user_id', '=', userId)
      .where('member.last_message_id', '<', beforeMessageId)
      .orderBy('member.last_message_id', 'desc')
      .limit(rowLimit(limit)))
    // PostgreSQL reads the page's member rows first, as a subquery with its own order and limit, which
    // the planner keeps apart: the (user, last message) index gives them, and only they are joined, each
    // by primary key. Joined directly, it may merge-join the members with the whole messages table walked
    // backwards by id, whose cost grows with everything sent since the user's conversations last moved.
    : prepareQuery((userId: number, beforeMessageId: number, limit: number) => db
      .selectFrom((eb) => eb.selectFrom('conversation_members')
        .select(['conversation_id', 'unread_count', 'last_read_id', 'last_message_id'])
        .where('user_id', '=', userId)
        .where('last_message_id', '<', beforeMessageId)
        .orderBy('user_id', 'desc').orderBy('last_message_id', 'desc')
        .limit(rowLimit(limit))
        .as('member'))
      .innerJoin('conversations as conversation', 'conversation.id', 'member.conversation_id')
      .innerJoin('users as peer', (join) => join.onRef('peer.id', '=', peerOf(userId)))
      .innerJoin('messages as last', 'last.id', 'member.last_message_id')
      .select(inboxColumns)
      .orderBy('member.last_message_id', 'desc'));

  return {
    /**
     * A user by username or email, and the caller's conversation with them if there is one: what every
     * request naming a peer needs, in one query. An active user, or a deactivated one the caller has a
     * conversation with, whose history the caller may still read and mark read.
     */
    async findPeer(callerId: number, identifier: string): Promise<PeerConversation | undefined> {
      const lookup = identifierLookup(identifier);
      if (lookup === null) return undefined;
      const row = await peerByColumn[lookup.column].first(db, callerId, lookup.key);
      if (!row) return undefined;
      return {
        peer: { id: row.id, username: row.username, email: row.email },
        conversation: row.conversation_id === null
          ? null
          : { id: row.conversation_id, message_count: row.message_count!, last_message_id: row.last_message_id },
      };
    },

    /** How many messages the user has sent or received, from the kept counters. */
    async countMessagesOf(userId: number): Promise<number> {
      const row = await db.selectFrom('conversation_members')
        .innerJoin('conversations', 'conversations.id', 'conversation_members.conversation_id')
        .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('conversations.message_count'), eb.lit(0)).as('total'))
        .where('conversation_members.user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(row.total);
    },

    /**
     * The user's conversations by latest message, newest first, read from the (user, last message)
     * index. A conversation's last message id is unique, so it is also the page cursor.
     */
    async inboxPage(user: User, beforeMessageId: number | null, limit: number): Promise<{ entries: InboxEntry[]; more: boolean }> {
      const rows = await inboxRows.all(db, user.id, beforeMessageId ?? Number.MAX_SAFE_INTEGER, limit + 1);
      return { entries: rows.slice(0, limit).map((row) => entryOf(row, user)), more: rows.length > limit };
    },

    /**
     * The user's conversations in id order, those after `afterId`: ids never change, so a walk through them
     * all (an export) misses none however they move in the inbox meanwhile.
     */
    async entriesAfter(user: User, afterId: number, limit: number): Promise<InboxEntry[]> {
      const rows = await db.selectFrom('conversation_members as member')
        .innerJoin('conversations as conversation', 'conversation.id', 'member.conversation_id')
        .innerJoin('users as peer', (join) => join.onRef('peer.id', '=', peerOf(user.id)))
        .innerJoin('messages as last', 'last.id', 'member.last_message_id')
        .select(inboxColumns)
        .where('member.user_id', '=', user.id)
        .where('member.conversation_id', '>', afterId)
        .orderBy('member.conversation_id')
        .limit(rowLimit(limit))
        .execute();
      return rows.map((row) => entryOf(row, user));
    },

    /** Whether the message belongs to the conversation. */
    async containsMessage(conversationId: number, messageId: number): Promise<boolean> {
      const row = await db.selectFrom('messages').select('id')
        .where('id', '=', messageId).where('conversation_id', '=', conversationId).executeTakeFirst();
      return row !== undefined;
    },

    /**
     * Moves the reader's mark forward to `upTo` (never back) and recounts what is still unread: the
     * peer's live messages after the mark, a range of the (conversation, id) index no longer than the
     * unread backlog. The first update locks the member row, which every send to this reader also
     * updates, so concurrent sends and reads cannot lose a count. `moved` says whether the mark moved.
     */
    async markRead(conversationId: number, readerId: number, peerId: number, upTo: number): Promise<MarkedRead> {
      return db.transaction().execute(async (trx) => {
        const member = () => trx.updateTable('conversation_members')
          .where('conversation_id', '=', conversationId).where('user_id', '=', readerId);
        const marked = await member().set({ last_read_id: upTo }).where('last_read_id', '<', upTo).executeTakeFirst();
        const moved = Number(marked.numUpdatedRows) > 0;
        // A mark already past `upTo` is left as it is, and its row locked all the same for the recount.
        if (!moved) await member().set((eb) => ({ last_read_id: eb.ref('last_read_id') })).execute();
        const { last_read_id: lastReadId } = await trx.selectFrom('conversation_members').select('last_read_id')
          .where('conversation_id', '=', conversationId).where('user_id', '=', readerId).executeTakeFirstOrThrow();
        const unreadCount = readerId === peerId ? 0 : Number((await trx.selectFrom('messages')
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('conversation_id', '=', conversationId)
          .where('id', '>', lastReadId)
          .where('sender_id', '=', peerId)
          .where('deleted_at', 'is', null)
          .executeTakeFirstOrThrow()).count);
        await trx.updateTable('conversation_members').set({ unread_count: unreadCount })
          .where('conversation_id', '=', conversationId).where('user_id', '=', readerId).execute();
        return { lastReadId, unreadCount, moved };
      });
    },
  };
}

export type ConversationsRepository = ReturnType<typeof createConversationsRepository>;

type InboxRow = ConversationRow & {
  conversation_id: number; message_count: number; unread_count: number; last_read_id: number;
  peer_id: number; peer_username: string; peer_email: string;
};

function entryOf(row: InboxRow, user: User): InboxEntry {
  const peer: User = { id: row.peer_id, username: row.peer_username, email: row.peer_email };
  return {
    id: row.conversation_id,
    peer,
    messageCount: row.message_count,
    unreadCount: row.unread_count,
    lastReadId: row.last_read_id,
    lastMessage: inConversation(row, row.conversation_id, user, peer),
  };
}
