import type { EventSink } from '../../realtime/events.js';
import { type MessageRecord, presentMessage } from './message.js';

export type MessageEventType = 'message.created' | 'message.updated' | 'message.deleted';

export interface MessageEvent {
  readonly type: MessageEventType;
  readonly conversation: number;
  readonly message: ReturnType<typeof presentMessage>;
}

/**
 * Tells both participants of a message (once, for a note to self) that it was created, edited or deleted,
 * each with the message as they see it.
 */
export function publishMessageEvent(events: EventSink, type: MessageEventType, message: MessageRecord): void {
  const sent: MessageEvent = { type, conversation: message.conversation_id, message: presentMessage(message, message.sender_id) };
  events.publish([message.sender_id], sent);
  if (message.recipient_id === message.sender_id) return;
  const received: MessageEvent = { type, conversation: message.conversation_id, message: presentMessage(message, message.recipient_id) };
  events.publish([message.recipient_id], received);
}
