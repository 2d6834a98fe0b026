import { type Kysely, sql } from 'kysely';
import { prepareQuery } from '../../db/prepared-query.js';
import type { DatabaseSchema } from '../../db/schema.js';
import { blockOf } from '../blocks/blocks.repository.js';
import { orderedPair } from '../conversations/conversations.repository.js';
import type { IdentifierColumn, User } from '../users/user.js';
import { activeUserBy } from '../users/users.repository.js';
import type { OutgoingMessage } from './messages.repository.js';

/** What a send on PostgreSQL did: null when there is no such recipient. */
export type PostgresSendResult = null
  | { recipient: User; blocked: true }
  | { recipient: User; blocked: false; sent: { id: number; conversationId: number } };

/**
 * A send on PostgreSQL as one statement, which finds the recipient, checks the block, stores the message
 * and moves the conversation's counters and both inbox rows: one round trip. A pair's first message takes
 * a second statement, which creates the conversation and its member rows with the message.
 */
export function createPostgresSend(db: Kysely<DatabaseSchema>) {
  /**
   * The recipient looked up, then the conversation counted, the message inserted and both members
   * advanced, for a conversation that exists. One row when the recipient is an active user: with the
   * message's id when it was stored, null when the recipient blocked the sender (`blocked`) or the pair
   * has no conversation yet; no row for no such recipient.
   *
   * The update locks the conversation row and draws the message's id in its SET. Under READ COMMITTED
   * (run alone, never in a stricter transaction), an update that finds the row changed by a transaction
   * that committed after its snapshot, whether it waited for that one or not, evaluates its SET again on
   * the newest version, drawing a newer id (the first one is left as a gap). So a conversation's messages
   * commit in id order. This relies on nothing else locking conversation rows (SELECT ... FOR UPDATE)
   * before drawing a message id.
   */
  const sendByIdentifier = (column: IdentifierColumn) => prepareQuery((key: string, senderId: number, content: string, at: number,
    clientId: string | null) => db
    .with('recipient', () => activeUserBy(db, column, key))
    .with('counted', (cte) => cte.updateTable('conversations')
      .from('recipient')
      .set((eb) => ({
        message_count: eb('message_count', '+', 1),
        updated_at: at,
        last_message_id: sql<number>`nextval(pg_get_serial_sequence('messages', 'id'))`,
      }))
      .where('conversations.user_low_id', '=', sql<number>`least(recipient.id, ${senderId}::bigint)`)
      .where('conversations.user_high_id', '=', sql<number>`greatest(recipient.id, ${senderId}::bigint)`)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('blocks').select('blocker_id')
        .whereRef('blocks.blocker_id', '=', 'recipient.id').where('blocks.blocked_id', '=', senderId))))
      .returning(['conversations.id', 'conversations.last_message_id', 'recipient.id as recipient_id']))
    .with('inserted', (cte) => cte.insertInto('messages')
      .columns(['id', 'conversation_id', 'sender_id', 'recipient_id', 'content', 'created_at', 'client_id'])
      .expression((eb) => eb.selectFrom('counted').select([
        'counted.last_message_id', 'counted.id',
        // Typed, as parameters in a select list otherwise arrive as text.
        sql<number>`${senderId}::bigint`.as('sender_id'),
        'counted.recipient_id',
        sql<string>`${content}::text`.as('content'),
        sql<number>`${at}::bigint`.as('created_at'),
        sql<string | null>`${clientId}::text`.as('client_id'),
      ]))
      .returning(['id', 'conversation_id', 'recipient_id']))
    .with('advanced', (cte) => cte.updateTable('conversation_members')
      .from('inserted')
      .set((eb) => ({
        last_message_id: eb.ref('inserted.id'),
        hidden: 0,
        // The recipient has one more unread, unless they wrote to themselves.
        unread_count: eb('unread_count', '+', sql<number>`case when conversation_members.user_id = inserted.recipient_id
          and inserted.recipient_id <> ${senderId}::bigint then 1 else 0 end`),
      }))
      .whereRef('conversation_members.conversation_id', '=', 'inserted.conversation_id'))
    .selectFrom('recipient')
    .leftJoin('inserted', (join) => join.onTrue())
    .select((eb) => ['recipient.id as recipient_id', 'recipient.username as recipient_username', 'recipient.email as recipient_email',
      'inserted.id', 'inserted.conversation_id',
      eb.exists(eb.selectFrom('blocks').select('blocker_id')
        .whereRef('blocks.blocker_id', '=', 'recipient.id').where('blocks.blocked_id', '=', senderId)).as('blocked')]));
  const sendByColumn = { username_lower: sendByIdentifier('username_lower'), email_lower: sendByIdentifier('email_lower') };

  /**
   * A pair's first message, with their conversation and its member rows (one for notes to oneself); no
   * row when the conversation exists already or the recipient has blocked the sender. Of concurrent first
   * messages, one inserts the conversation; the others wait for that insert to commit, insert nothing,
   * and are sent as any message to it is.
   */
  const sendFirst = prepareQuery((low: number, high: number, senderId: number, recipientId: number, content: string, at: number,
    clientId: string | null) => db
    .with('created', (cte) => cte.insertInto('conversations')
      .columns(['user_low_id', 'user_high_id', 'last_message_id', 'message_count', 'updated_at'])
      .expression(db.selectNoFrom([
        sql<number>`${low}::bigint`.as('user_low_id'), sql<number>`${high}::bigint`.as('user_high_id'),
        sql<number>`nextval(pg_get_serial_sequence('messages', 'id'))`.as('last_message_id'),
        sql<number>`1`.as('message_count'), sql<number>`${at}::bigint`.as('updated_at'),
      ]).where((eb) => eb.not(eb.exists(blockOf(db, recipientId, senderId)))))
      .onConflict((oc) => oc.columns(['user_low_id', 'user_high_id']).doNothing())
      .returning(['id', 'last_message_id']))
    .with('inserted', (cte) => cte.insertInto('messages')
      .columns(['id', 'conversation_id', 'sender_id', 'recipient_id', 'content', 'created_at', 'client_id'])
      .expression((eb) => eb.selectFrom('created').select([
        'created.last_message_id', 'created.id',
        sql<number>`${senderId}::bigint`.as('sender_id'),
        sql<number>`${recipientId}::bigint`.as('recipient_id'),
        sql<string>`${content}::text`.as('content'),
        sql<number>`${at}::bigint`.as('created_at'),
        sql<string | null>`${clientId}::text`.as('client_id'),
      ]))
      .returning(['id', 'conversation_id']))
    .with('members', (cte) => cte.insertInto('conversation_members')
      .columns(['conversation_id', 'user_id', 'last_read_id', 'unread_count', 'hidden', 'last_message_id'])
      .expression((eb) => eb.selectFrom('inserted')
        .innerJoin(sql<{ user_id: number }>`(select ${low}::bigint as user_id union select ${high}::bigint)`.as('member'), (join) => join.onTrue())
        .select([
          'inserted.conversation_id', 'member.user_id', sql<number>`0`.as('last_read_id'),
          // The recipient has one unread, unless they wrote to themselves.
          sql<number>`case when member.user_id = ${recipientId}::bigint and ${recipientId}::bigint <> ${senderId}::bigint
            then 1 else 0 end`.as('unread_count'),
          sql<number>`0`.as('hidden'), 'inserted.id',
        ])))
    .selectFrom('inserted').select(['inserted.id', 'inserted.conversation_id']));

  return {
    /** Sends `message`, in one statement when its conversation exists and in two when this is its first. */
    async send(message: OutgoingMessage): Promise<PostgresSendResult> {
      const { column, key } = message.recipient;
      const send = () => sendByColumn[column].first(db, key, message.sender.id, message.content, message.at, message.clientId);
      let row = await send();
      if (!row) return null;
      const recipient = { id: row.recipient_id, username: row.recipient_username, email: row.recipient_email };
      if (row.id === null && !row.blocked) {
        const [low, high] = orderedPair(message.sender.id, recipient.id);
        const first = await sendFirst.first(db, low, high, message.sender.id, recipient.id, message.content, message.at, message.clientId);
        if (first) return { recipient, blocked: false, sent: { id: first.id, conversationId: first.conversation_id } };
        // Another first message made the conversation meanwhile, or the recipient blocked the sender.
        row = await send();
        if (!row) return null;
      }
      if (row.id !== null) return { recipient, blocked: false, sent: { id: row.id, conversationId: row.conversation_id! } };
      if (row.blocked) return { recipient, blocked: true };
      throw new Error(`no conversation of users ${message.sender.id} and ${recipient.id} after its first message`);
    },
  };
}
