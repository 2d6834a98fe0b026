/**
 * `npm run fill -- --users U --messages M`: fills the database at DATABASE_URL (the service's default
 * when unset) with users user1..userU (password `password-<username>`) and M messages, a tenth of them
 * between user1 and user2. See bench/fill-plan.ts for the layout.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.js';
import { DatabaseNotEmptyError, fillDatabase } from './fill-database.js';

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '100000' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run fill -- [--users U] [--messages M]
  --users U      users user1..userU, password password-<username> (1000)
  --messages M   messages; a tenth between user1 and user2, the rest among ring neighbours (100000)
Fills the database at DATABASE_URL (default sqlite:./data/db.sqlite3; postgres://... too, where
?options=-c%20search_path%3D<schema> picks a schema). Migrates it first; refuses one that holds users.`);
  process.exit(0);
}

function wholeNumber(name: 'users' | 'messages', min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) {
    console.error(`--${name} must be a whole number >= ${min}`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const users = wholeNumber('users', 2);
  const messages = wholeNumber('messages', 0);
  // Only the database URL is wanted: a fixed key keeps loadConfig from creating a secret_key file.
  const { databaseUrl } = loadConfig({ ...process.env, SECRET_KEY: 'unused-by-fill' });
  const started = performance.now();
  const result = await fillDatabase({ url: databaseUrl }, { users, messages, log: (line) => console.log(`· ${line}`) });
  const seconds = (performance.now() - started) / 1000;
  const featured = result.plan.featuredMessageIds.length;
  console.log(`Filled ${databaseUrl.replace(/\/\/[^@/]*@/, '//')}: ${users} users, ${result.conversations} conversations, `
    + `${messages} messages (${featured} between user1 and user2) in ${seconds.toFixed(1)} s `
    + `(hashing passwords ${(result.hashingMs / 1000).toFixed(1)} s, writing ${(result.writingMs / 1000).toFixed(1)} s)`);
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseNotEmptyError) {
    console.error(error.message);
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
