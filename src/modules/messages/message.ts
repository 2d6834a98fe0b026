import { isoTime } from '../../http/iso-time.js';
import type { User } from '../users/user.js';

/** A message as stored, with the usernames of both ends (clients should not need a lookup). */
export interface MessageRecord {
  readonly id: number;
  readonly conversation_id: number;
  readonly sender_id: number;
  readonly recipient_id: number;
  readonly sender_username: string;
  readonly recipient_username: string;
  readonly content: string | null;
  readonly created_at: number;
  readonly edited_at: number | null;
  readonly deleted_at: number | null;
  readonly client_id: string | null;
}

/**
 * A message's columns as read from its conversation, where the conversation and its two members are
 * known: the sender says who the recipient is, the other member.
 */
export type ConversationRow = Omit<MessageRecord, 'conversation_id' | 'recipient_id' | 'sender_username' | 'recipient_username'>;

/**
 * The message of a row of the conversation `conversationId` between `a` and `b` (the same user twice
 * for notes to oneself). An object literal of one fixed shape: a spread per row costs several times
 * more.
 */
export function inConversation(row: ConversationRow, conversationId: number, a: User, b: User): MessageRecord {
  const fromA = row.sender_id === a.id;
  return {
    id: row.id,
    conversation_id: conversationId,
    sender_id: row.sender_id,
    recipient_id: fromA ? b.id : a.id,
    sender_username: fromA ? a.username : b.username,
    recipient_username: fromA ? b.username : a.username,
    content: row.content,
    created_at: row.created_at,
    edited_at: row.edited_at,
    deleted_at: row.deleted_at,
    client_id: row.client_id,
  };
}

const iso = (millis: number | null) => (millis === null ? null : isoTime(millis));

/**
 * The message object of the API, as user `viewerId` (its sender or its recipient) sees it: the client id
 * is the sender's own idempotency key, shown to the sender only.
 */
export function presentMessage(message: MessageRecord, viewerId: number) {
  return {
    id: message.id,
    sender: message.sender_id,
    recipient: message.recipient_id,
    sender_username: message.sender_username,
    recipient_username: message.recipient_username,
    content: message.deleted_at === null ? message.content ?? '' : '',
    timestamp: iso(message.created_at)!,
    edited_at: iso(message.edited_at),
    client_id: viewerId === message.sender_id ? message.client_id : null,
    deleted: message.deleted_at !== null,
    conversation: message.conversation_id,
  };
}
