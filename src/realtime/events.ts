import type { MessageRecord } from '../modules/messages/message.js';
import { presentMessage } from '../modules/messages/message.js';

/** What services hand real-time events to: delivered to every open socket of each user. */
export interface EventSink {
  publish(userIds: readonly number[], event: RealtimeEvent): void;
}

export type RealtimeEvent =
  | { type: 'message.created' | 'message.updated' | 'message.deleted'; conversation: number; message: ReturnType<typeof presentMessage> }
  | { type: 'conversation.read'; conversation: number; reader: number; reader_username: string; last_read_id: number; unread_count: number }
  | { type: 'typing'; conversation: number | null; from: number; from_username: string };

export const noEvents: EventSink = { publish() {} };

/**
 * Tells both participants of a message (once, for a note to self) that it was created, edited or deleted,
 * each with the message as they see it.
 */
export function publishMessageEvent(events: EventSink, type: 'message.created' | 'message.updated' | 'message.deleted',
  message: MessageRecord): void {
  events.publish([message.sender_id], { type, conversation: message.conversation_id, message: presentMessage(message, message.sender_id) });
  if (message.recipient_id === message.sender_id) return;
  events.publish([message.recipient_id], { type, conversation: message.conversation_id, message: presentMessage(message, message.recipient_id) });
}
