/**
 * Writes a fill plan into a migrated, empty PostgreSQL schema in one transaction: each statement
 * inserts a whole batch of rows from arrays (`unnest`), one parameter per column.
 */
import pg from 'pg';
import { emailKey, usernameKey } from '../src/modules/users/user.js';
import { contentOf, emailOf, type FillPlan, messageCreatedAt, usernameOf } from './fill-plan.js';

const ROWS_PER_STATEMENT = 20_000;

export interface PostgresTarget {
  readonly url: string;
  readonly searchPath?: string;
}

export async function writePostgresFill(target: PostgresTarget, plan: FillPlan, passwordHashes: readonly string[]): Promise<void> {
  const client = new pg.Client({
    connectionString: target.url,
    ...(target.searchPath ? { options: `-c search_path=${target.searchPath}` } : {}),
  });
  await client.connect();
  try {
    await client.query('begin');
    await writeRows(client, plan, passwordHashes);
    // Identity columns do not see explicit ids: the service's next inserts must continue after them.
    for (const [table, max] of [['users', plan.users], ['conversations', plan.conversations.count], ['messages', plan.messages]] as const) {
      await client.query(`select setval(pg_get_serial_sequence('${table}', 'id'), $1, $2)`, [Math.max(max, 1), max > 0]);
    }
    await client.query('commit');
    // A database that has lived a while has planner statistics (autovacuum gathers them): so should this one.
    await client.query('analyze users, conversations, conversation_members, messages');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}

async function writeRows(client: pg.Client, plan: FillPlan, passwordHashes: readonly string[]): Promise<void> {
  for (let from = 1; from <= plan.users; from += ROWS_PER_STATEMENT) {
    const ids = range(from, Math.min(plan.users + 1, from + ROWS_PER_STATEMENT));
    const usernames = ids.map(usernameOf);
    const emails = ids.map(emailOf);
    await client.query(`insert into users
      (id, username, username_lower, email, email_lower, password_hash, is_active, date_joined, last_login)
      select id, username, username_lower, email, email_lower, password_hash, 1, $7, null
      from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
        as u(id, username, username_lower, email, email_lower, password_hash)`,
    [ids, usernames, usernames.map(usernameKey), emails, emails.map(emailKey), ids.map((id) => passwordHashes[id - 1]), plan.joinedAt]);
  }

  const c = plan.conversations;
  for (let from = 0; from < c.count; from += ROWS_PER_STATEMENT) {
    const slots = range(from, Math.min(c.count, from + ROWS_PER_STATEMENT));
    const ids = slots.map((slot) => slot + 1);
    const lastIds = slots.map((slot) => c.lastMessageId[slot]);
    const lows = slots.map((slot) => c.lowUser[slot]);
    const highs = slots.map((slot) => c.highUser[slot]);
    await client.query(`insert into conversations (id, user_low_id, user_high_id, last_message_id, message_count, updated_at)
      select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])`,
    [ids, lows, highs, lastIds, slots.map((slot) => c.messageCount[slot]), lastIds.map((id) => messageCreatedAt(plan, id))]);
    await client.query(`insert into conversation_members (conversation_id, user_id, last_read_id, unread_count, hidden, last_message_id)
      select conversation_id, user_id, 0, unread_count, 0, last_message_id
      from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) as m(conversation_id, user_id, unread_count, last_message_id)`,
    [[...ids, ...ids], [...lows, ...highs],
      [...slots.map((slot) => c.lowUnread[slot]), ...slots.map((slot) => c.highUnread[slot])], [...lastIds, ...lastIds]]);
  }

  for (let from = 1; from <= plan.messages; from += ROWS_PER_STATEMENT) {
    const ids = range(from, Math.min(plan.messages + 1, from + ROWS_PER_STATEMENT));
    await client.query(`insert into messages (id, conversation_id, sender_id, recipient_id, content, created_at)
      select * from unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[])`,
    [ids, ids.map((id) => plan.messageConversation[id - 1]), ids.map((id) => plan.messageSender[id - 1]),
      ids.map((id) => plan.messageRecipient[id - 1]), ids.map(contentOf), ids.map((id) => messageCreatedAt(plan, id))]);
  }
}

/** from, from + 1, ..., to - 1 */
function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
