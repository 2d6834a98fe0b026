/** Writes a fill plan into a migrated, empty SQLite file with prepared statements in large transactions. */
import SQLite from 'better-sqlite3';
import { emailKey, usernameKey } from '../src/modules/users/user.js';
import { contentOf, emailOf, type FillPlan, messageCreatedAt, usernameOf } from './fill-plan.js';

const ROWS_PER_TRANSACTION = 100_000;

export function writeSqliteFill(path: string, plan: FillPlan, passwordHashes: readonly string[]): void {
  const connection = new SQLite(path);
  try {
    connection.pragma('journal_mode = WAL');
    connection.pragma('foreign_keys = ON');
    connection.pragma('busy_timeout = 5000');
    // Unlike the service (synchronous=FULL), the fill does not fsync every transaction: it is one
    // bulk load, checkpointed at the end, and an interrupted fill is simply run again on a new file.
    connection.pragma('synchronous = OFF');
    connection.pragma('cache_size = -262144');
    writeRows(connection, plan, passwordHashes);
    connection.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    connection.close();
  }
}

function writeRows(connection: SQLite.Database, plan: FillPlan, passwordHashes: readonly string[]): void {
  const insertUser = connection.prepare(`insert into users
    (id, username, username_lower, email, email_lower, password_hash, is_active, date_joined, last_login)
    values (?, ?, ?, ?, ?, ?, 1, ?, null)`);
  const insertConversation = connection.prepare(`insert into conversations
    (id, user_low_id, user_high_id, last_message_id, message_count, updated_at) values (?, ?, ?, ?, ?, ?)`);
  const insertMember = connection.prepare(`insert into conversation_members
    (conversation_id, user_id, last_read_id, unread_count, hidden, last_message_id) values (?, ?, 0, ?, 0, ?)`);
  const insertMessage = connection.prepare(`insert into messages
    (id, conversation_id, sender_id, recipient_id, content, created_at, edited_at, deleted_at, client_id)
    values (?, ?, ?, ?, ?, ?, null, null, null)`);

  connection.transaction(() => {
    for (let id = 1; id <= plan.users; id += 1) {
      const username = usernameOf(id);
      const email = emailOf(id);
      insertUser.run(id, username, usernameKey(username), email, emailKey(email), passwordHashes[id - 1], plan.joinedAt);
    }
    const c = plan.conversations;
    for (let slot = 0; slot < c.count; slot += 1) {
      const id = slot + 1;
      const lastId = c.lastMessageId[slot];
      insertConversation.run(id, c.lowUser[slot], c.highUser[slot], lastId, c.messageCount[slot], messageCreatedAt(plan, lastId));
      insertMember.run(id, c.lowUser[slot], c.lowUnread[slot], lastId);
      insertMember.run(id, c.highUser[slot], c.highUnread[slot], lastId);
    }
  })();

  const insertMessages = connection.transaction((from: number, to: number) => {
    for (let index = from; index < to; index += 1) {
      const id = index + 1;
      insertMessage.run(id, plan.messageConversation[index], plan.messageSender[index], plan.messageRecipient[index],
        contentOf(id), messageCreatedAt(plan, id));
    }
  });
  for (let from = 0; from < plan.messages; from += ROWS_PER_TRANSACTION) {
    insertMessages(from, Math.min(plan.messages, from + ROWS_PER_TRANSACTION));
  }
}
