import { loadStorageConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { waitForPostgres } from './runtime/wait-for-services.js';
import { describeFailure, exitCodeOf } from './startup-failure.js';

/** `npm run migrate`: brings the database at DATABASE_URL to the latest schema, then exits. */
try {
  const config = loadStorageConfig();
  if (config.databaseUrl.startsWith('postgres')) {
    await waitForPostgres(config.databaseUrl, { waitSeconds: config.startupWaitSeconds, log: (message) => console.error(message) });
  }
  const database = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(database);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
  } finally {
    await database.destroy();
  }
} catch (error) {
  console.error(describeFailure(error));
  process.exit(exitCodeOf(error));
}
