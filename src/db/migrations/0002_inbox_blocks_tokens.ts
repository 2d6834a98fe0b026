import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './0001_initial.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = columnTypes(dialect);

  // The inbox is ordered by each member's latest message id (ids grow with time), read from this index.
  await db.schema.alterTable('conversation_members').addColumn('last_message_id', t.bigint).execute();
  await sql`update conversation_members set last_message_id =
    (select last_message_id from conversations where conversations.id = conversation_members.conversation_id)`.execute(db);
  await db.schema.createIndex('conversation_members_inbox')
    .on('conversation_members').columns(['user_id', 'last_message_id', 'conversation_id']).execute();

  await db.schema.createTable('blocks')
    .addColumn('blocker_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.bigint, (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute();

  await db.schema.createTable('api_tokens')
    .addColumn('id_hash', t.key, (c) => c.primaryKey())
    .addColumn('user_id', t.bigint, (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.bigint, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_tokens_user_id').on('api_tokens').column('user_id').execute();
}
