/**
 * An event for users' sockets: a JSON object whose `type` names it. The modules define their own events
 * (modules/messages/message-events.ts, modules/conversations/conversation-events.ts); real time only
 * carries them.
 */
export interface RealtimeEvent {
  readonly type: string;
}

/** What services hand real-time events to: delivered to every open socket of each user. */
export interface EventSink {
  publish(userIds: readonly number[], event: RealtimeEvent): void;
}

export const noEvents: EventSink = { publish() {} };
