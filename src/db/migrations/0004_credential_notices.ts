import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/** A notice names at most this many credentials; a statement that ends more says `*`: everything. */
const MOST_NAMED = 150;

/**
 * PostgreSQL: whatever ends sessions or API tokens (deletes them), changes them, or deactivates or renames
 * users says so on the schema's notice channel, from a trigger, in the transaction that does it, whatever
 * code runs it: the notice is delivered to every listening instance when that transaction commits. A notice is the hashes
 * of the ended credentials and `user:<id>` for each deactivated user, separated by spaces, or `*`.
 * Instances keep credentials in memory only while they hear these (see src/db/credential-notices.ts).
 * SQLite keeps none in memory and has no notices.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  if (dialect === 'sqlite') return;
  await sql`create function notify_credentials_ended() returns trigger language plpgsql as $$
    declare
      channel text := 'credentials_ended:' || md5(tg_table_schema);
      named text;
      ended bigint;
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify(channel, '*');
        return null;
      end if;
      select count(*), string_agg(id_hash, ' ') into ended, named from ended_rows;
      if ended > ${sql.lit(MOST_NAMED)} then
        perform pg_notify(channel, '*');
      elsif ended > 0 then
        perform pg_notify(channel, named);
      end if;
      return null;
    end $$`.execute(db);
  for (const table of ['sessions', 'api_tokens']) {
    await sql`create trigger ${sql.id(`${table}_ended`)} after delete on ${sql.table(table)}
      referencing old table as ended_rows for each statement execute function notify_credentials_ended()`.execute(db);
    await sql`create trigger ${sql.id(`${table}_truncated`)} after truncate on ${sql.table(table)}
      for each statement execute function notify_credentials_ended()`.execute(db);
  }
  // What makes a kept session or token invalid without ending it, such as a shorter expiry, says so too;
  // touching a session (last_seen_at moving forward) does not.
  await sql`create function notify_credential_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('credentials_ended:' || md5(tg_table_schema), old.id_hash);
      return null;
    end $$`.execute(db);
  await sql`create trigger sessions_changed after update on sessions for each row
    when (new.expires_at < old.expires_at or new.last_seen_at < old.last_seen_at or new.user_id <> old.user_id
      or new.csrf_secret <> old.csrf_secret or new.id_hash <> old.id_hash)
    execute function notify_credential_changed()`.execute(db);
  await sql`create trigger api_tokens_changed after update on api_tokens for each row
    when (new.user_id <> old.user_id or new.id_hash <> old.id_hash)
    execute function notify_credential_changed()`.execute(db);
  // A user deactivated or renamed: what is kept of their sessions and tokens goes. (A trigger on chosen
  // columns cannot have transition tables: one notice a user.)
  await sql`create function notify_user_changed() returns trigger language plpgsql as $$
    begin
      perform pg_notify('credentials_ended:' || md5(tg_table_schema), 'user:' || old.id);
      return null;
    end $$`.execute(db);
  await sql`create trigger users_changed after update of is_active, username, email on users for each row
    when ((old.is_active = 1 and new.is_active <> 1) or new.username <> old.username or new.email <> old.email)
    execute function notify_user_changed()`.execute(db);
}
