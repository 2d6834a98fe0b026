import { type Kysely, sql } from 'kysely';
import type { Dialect } from '../database.js';

/**
 * Username keys hold σ where lower-casing wrote the final form ς ("ΟΣ" was "ος", "οσ" was "οσ"), so that
 * the two spellings are one name, as usernameKey now makes them. A key whose new form another user holds
 * already, two accounts made before this, is left as it was: the migration must not fail on them, and
 * the name the new key finds is the other account's.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await sql`update users set username_lower = replace(username_lower, 'ς', 'σ')
    where username_lower like '%ς%'
      and not exists (select 1 from users other where other.username_lower = replace(users.username_lower, 'ς', 'σ'))`
    .execute(db);
}
