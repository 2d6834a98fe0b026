import type { Generated } from 'kysely';

/** Times are stored on both dialects as whole milliseconds since the Unix epoch (UTC). */
export type EpochMillis = number;

export interface UsersTable {
  id: Generated<number>;
  username: string;
  username_lower: string;
  email: string;
  email_lower: string;
  password_hash: string;
  is_active: number;
  date_joined: EpochMillis;
  last_login: EpochMillis | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: number;
  csrf_secret: string;
  created_at: EpochMillis;
  last_seen_at: EpochMillis;
  expires_at: EpochMillis;
}

export interface ConversationsTable {
  id: Generated<number>;
  user_low_id: number;
  user_high_id: number;
  last_message_id: number | null;
  message_count: number;
  updated_at: EpochMillis;
}

export interface ConversationMembersTable {
  conversation_id: number;
  user_id: number;
  last_read_id: number;
  unread_count: number;
  hidden: number;
  /** The conversation's latest message id, kept per member so that the inbox reads from an index. */
  last_message_id: number | null;
}

export interface MessagesTable {
  id: Generated<number>;
  conversation_id: number;
  sender_id: number;
  recipient_id: number;
  content: string | null;
  created_at: EpochMillis;
  edited_at: EpochMillis | null;
  deleted_at: EpochMillis | null;
  client_id: string | null;
}

export interface BlocksTable {
  blocker_id: number;
  blocked_id: number;
  created_at: EpochMillis;
}

export interface ApiTokensTable {
  id_hash: string;
  user_id: number;
  created_at: EpochMillis;
}

/** One row (id 1): how many users are active, kept by triggers on users. */
export interface UserTotalsTable {
  id: number;
  active_users: number;
}

export interface DatabaseSchema {
  users: UsersTable;
  sessions: SessionsTable;
  conversations: ConversationsTable;
  conversation_members: ConversationMembersTable;
  messages: MessagesTable;
  blocks: BlocksTable;
  api_tokens: ApiTokensTable;
  user_totals: UserTotalsTable;
}
