import { loadStorageConfig } from '../config.js';
import { listenForEndedCredentials } from '../db/credential-notices.js';
import { openDatabase } from '../db/database.js';
import { type AccountChange, createAccountsService, DeletedAccountError } from '../modules/users/accounts.service.js';
import { createUsersRepository } from '../modules/users/users.repository.js';
import { createRevocationPublisher } from '../realtime/revocation-publisher.js';
import { describeFailure, exitCodeOf } from '../startup-failure.js';

const USAGE = `Usage: npm run users -- deactivate <username or email>
       npm run users -- activate <username or email>

deactivate  marks the account inactive and ends all its sessions and API tokens
activate    lets the account log in again (ended sessions and tokens stay ended)

Uses DATABASE_URL, and REDIS_URL with REDIS_PREFIX to close the open WebSockets on running instances.`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

function describe(command: 'activate' | 'deactivate', change: AccountChange): string {
  const who = `${change.user.username} (id ${change.user.id})`;
  if (command === 'activate') return change.wasActive ? `${who} was already active.` : `Activated ${who}.`;
  const ended = `ended ${plural(change.endedSessions, 'session')} and ${plural(change.revokedTokens, 'API token')}.`;
  return change.wasActive ? `Deactivated ${who}: ${ended}` : `${who} was already inactive: ${ended}`;
}

/** `npm run users -- <command> <user>`; answers the exit status. */
async function main(args: string[]): Promise<number> {
  const [command, identifier, ...extra] = args;
  if ((command !== 'deactivate' && command !== 'activate') || !identifier?.trim() || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const config = loadStorageConfig();
  const database = openDatabase(config.databaseUrl);
  const revocations = config.redisUrl ? createRevocationPublisher(config.redisUrl, config.redisPrefix) : null;
  // Running instances on PostgreSQL keep sessions in memory: the command ends once each has dropped them.
  const notices = database.postgres ? await listenForEndedCredentials(database.postgres, { log: { warn: (_, message) => console.error(message) } }) : null;
  try {
    const accounts = createAccountsService({
      users: createUsersRepository(database.db), onCredentialEnded: revocations?.revoke, heardEverywhere: notices?.heardEverywhere,
    });
    let change: AccountChange | null;
    try {
      change = command === 'deactivate' ? await accounts.deactivate(identifier) : await accounts.activate(identifier);
    } catch (error) {
      if (!(error instanceof DeletedAccountError)) throw error;
      console.error(error.message);
      return 1;
    }
    if (!change) {
      console.error(`No user with the username or email "${identifier.trim()}".`);
      return 1;
    }
    console.log(describe(command, change));
    if (change.endedSessions + change.revokedTokens === 0) return 0;
    if (!revocations) {
      console.error('REDIS_URL is not set: WebSockets that a running instance holds open with these sessions or tokens '
        + 'stay open until they disconnect or the instance restarts. Every HTTP request with them is refused already.');
      return 0;
    }
    if (revocations.failed > 0) {
      console.error(`Could not tell the running instances through Redis (${revocations.lastError?.message ?? 'unknown error'}): `
        + `WebSockets open with ${plural(revocations.failed, 'ended session or token')} stay open until they disconnect. `
        + 'The account change itself is saved.');
      return 1;
    }
    return 0;
  } finally {
    await notices?.close();
    await revocations?.close();
    await database.destroy();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(describeFailure(error));
  process.exitCode = exitCodeOf(error);
}
