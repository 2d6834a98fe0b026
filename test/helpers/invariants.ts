import assert from 'node:assert/strict';
import { type Kysely, sql } from 'kysely';
import type { DatabaseSchema } from '../../src/db/schema.js';

/**
 * What must hold in the stored data whatever requests came before, each as a query for the rows
 * that break it. They run the same on SQLite and PostgreSQL.
 */
const INVARIANTS: Record<string, string> = {
  'a conversation counts exactly its messages': `
    select c.id, c.message_count, (select count(*) from messages m where m.conversation_id = c.id) as actual
    from conversations c
    where c.message_count <> (select count(*) from messages m where m.conversation_id = c.id)`,
  'a conversation points at its newest message': `
    select c.id, c.last_message_id, (select max(m.id) from messages m where m.conversation_id = c.id) as actual
    from conversations c
    where c.last_message_id is distinct from (select max(m.id) from messages m where m.conversation_id = c.id)`,
  'a conversation is keyed by its ordered pair': `
    select id, user_low_id, user_high_id from conversations where user_low_id > user_high_id`,
  'a conversation has exactly its two members (one for notes to self)': `
    select c.id, (select count(*) from conversation_members cm where cm.conversation_id = c.id) as members
    from conversations c
    where (select count(*) from conversation_members cm
           where cm.conversation_id = c.id and cm.user_id in (c.user_low_id, c.user_high_id))
          <> case when c.user_low_id = c.user_high_id then 1 else 2 end
       or (select count(*) from conversation_members cm where cm.conversation_id = c.id)
          <> case when c.user_low_id = c.user_high_id then 1 else 2 end`,
  'every member row points at its conversation\'s newest message': `
    select cm.conversation_id, cm.user_id, cm.last_message_id, c.last_message_id as actual
    from conversation_members cm join conversations c on c.id = cm.conversation_id
    where cm.last_message_id is distinct from c.last_message_id`,
  'a read mark is 0 or a message of that conversation': `
    select cm.conversation_id, cm.user_id, cm.last_read_id
    from conversation_members cm
    where cm.last_read_id <> 0 and not exists (
      select 1 from messages m where m.id = cm.last_read_id and m.conversation_id = cm.conversation_id)`,
  'unread counts the live messages from the peer after the read mark': `
    select cm.conversation_id, cm.user_id, cm.last_read_id, cm.unread_count,
      (select count(*) from messages m where m.conversation_id = cm.conversation_id and m.id > cm.last_read_id
         and m.sender_id <> cm.user_id and m.deleted_at is null) as actual
    from conversation_members cm
    where cm.unread_count <> (select count(*) from messages m where m.conversation_id = cm.conversation_id
      and m.id > cm.last_read_id and m.sender_id <> cm.user_id and m.deleted_at is null)`,
  'every message belongs to an existing conversation of its sender and recipient': `
    select m.id, m.conversation_id, m.sender_id, m.recipient_id
    from messages m left join conversations c on c.id = m.conversation_id
    where c.id is null
       or case when m.sender_id < m.recipient_id then m.sender_id else m.recipient_id end <> c.user_low_id
       or case when m.sender_id < m.recipient_id then m.recipient_id else m.sender_id end <> c.user_high_id`,
  'a deleted message has no content left, a live one has some': `
    select id, deleted_at, content from messages
    where (deleted_at is not null and content is not null) or (deleted_at is null and (content is null or content = ''))`,
  'messages, sessions, tokens and blocks name existing users': `
    select 'message' as what, id as ref from messages
      where sender_id not in (select id from users) or recipient_id not in (select id from users)
    union all select 'session', user_id from sessions where user_id not in (select id from users)
    union all select 'token', user_id from api_tokens where user_id not in (select id from users)
    union all select 'block', blocker_id from blocks
      where blocker_id not in (select id from users) or blocked_id not in (select id from users)`,
  'the kept total of active users is one row counting exactly the active users': `
    select t.active_users, (select count(*) from users where is_active = 1) as actual from user_totals t
    where t.active_users <> (select count(*) from users where is_active = 1)
    union all select count(*), null from user_totals having count(*) <> 1`,
};

/** Fails naming every invariant that does not hold, with the first rows that break it. */
export async function assertDatabaseConsistent(db: Kysely<DatabaseSchema>): Promise<void> {
  const broken: string[] = [];
  for (const [name, query] of Object.entries(INVARIANTS)) {
    const { rows } = await sql.raw<Record<string, unknown>>(query).execute(db);
    if (rows.length > 0) broken.push(`${name}: ${JSON.stringify(rows.slice(0, 5))}`);
  }
  assert.deepEqual(broken, [], `the database is inconsistent:\n${broken.join('\n')}`);
}
