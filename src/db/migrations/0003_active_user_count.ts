import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';
import { columnTypes } from './0001_initial.js';

/**
 * How many users are active, kept by triggers in the transaction of every statement that inserts,
 * deletes or (de)activates a user, whatever code runs it. The users list reads its count from here
 * instead of counting every active user on every request.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const t = columnTypes(dialect);
  await db.schema.createTable('user_totals')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('active_users', t.bigint, (c) => c.notNull())
    .execute();
  await sql`insert into user_totals (id, active_users) select 1, count(*) from users where is_active = 1`.execute(db);

  if (dialect === 'sqlite') {
    await sql`create trigger users_count_insert after insert on users when new.is_active = 1
      begin update user_totals set active_users = active_users + 1; end`.execute(db);
    await sql`create trigger users_count_delete after delete on users when old.is_active = 1
      begin update user_totals set active_users = active_users - 1; end`.execute(db);
    await sql`create trigger users_count_update after update of is_active on users
      when (new.is_active = 1) <> (old.is_active = 1)
      begin update user_totals set active_users = active_users + case when new.is_active = 1 then 1 else -1 end; end`.execute(db);
    return;
  }
  await sql`create function count_active_users() returns trigger language plpgsql as $$
    declare
      change bigint := 0;
    begin
      if tg_op in ('INSERT', 'UPDATE') and new.is_active = 1 then change := change + 1; end if;
      if tg_op in ('DELETE', 'UPDATE') and old.is_active = 1 then change := change - 1; end if;
      if change <> 0 then update user_totals set active_users = active_users + change; end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger users_count after insert or delete or update of is_active on users
    for each row execute function count_active_users()`.execute(db);
}
