import assert from 'node:assert/strict';
import { listenForEndedCredentials } from '../../src/db/credential-notices.js';
import type { TestDatabase } from './databases.js';

/**
 * Waits until every instance on the database has heard what a test changed in it directly, as a tool
 * would (a user deactivated, a session's expiry moved): on PostgreSQL, instances keep sessions and
 * tokens in memory, and such a change reaches them with the notice its trigger sends, a moment after the
 * commit. SQLite keeps nothing in memory.
 */
export async function instancesHeard({ database }: TestDatabase): Promise<void> {
  if (!database.postgres) return;
  const late: string[] = [];
  const notices = await listenForEndedCredentials(database.postgres, { log: { warn: (_, message) => late.push(message) } });
  try {
    await notices.heardEverywhere();
  } finally {
    await notices.close();
  }
  assert.deepEqual(late, [], 'an instance did not hear the change in time');
}
