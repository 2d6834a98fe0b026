import { ConfigError, loadStorageConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { describeFailure } from './startup-failure.js';

/** `npm run migrate`: brings the database at DATABASE_URL to the latest schema, then exits. */
try {
  const config = loadStorageConfig();
  const database = openDatabase(config.databaseUrl);
  try {
    const applied = await migrateToLatest(database);
    console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'Already up to date.');
  } finally {
    await database.destroy();
  }
} catch (error) {
  console.error(describeFailure(error));
  process.exit(error instanceof ConfigError ? 2 : 1);
}
