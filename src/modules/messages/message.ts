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

const iso = (millis: number | null) => (millis === null ? null : new Date(millis).toISOString());

/** The message object of the API. */
export function presentMessage(message: MessageRecord) {
  return {
    id: message.id,
    sender: message.sender_id,
    recipient: message.recipient_id,
    sender_username: message.sender_username,
    recipient_username: message.recipient_username,
    content: message.deleted_at === null ? message.content ?? '' : '',
    timestamp: iso(message.created_at)!,
    edited_at: iso(message.edited_at),
    client_id: message.client_id,
    deleted: message.deleted_at !== null,
    conversation: message.conversation_id,
  };
}
