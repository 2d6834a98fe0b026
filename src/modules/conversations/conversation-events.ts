/** A conversation's read mark moved: for the reader's other devices, and as a receipt to the peer. */
export interface ConversationReadEvent {
  readonly type: 'conversation.read';
  readonly conversation: number;
  readonly reader: number;
  readonly reader_username: string;
  readonly last_read_id: number;
  readonly unread_count: number;
}

/** Someone the recipient has a conversation with is typing to them. */
export interface TypingEvent {
  readonly type: 'typing';
  readonly conversation: number;
  readonly from: number;
  readonly from_username: string;
}
