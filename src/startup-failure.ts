import { ConfigError } from './config.js';
import { DatabaseInUseError } from './db/database.js';

/**
 * What the server and the commands print when they cannot start or finish: a sentence for the
 * failures a person can act on (a bad setting, a database file another process holds), the error
 * itself, with its stack, for anything else.
 */
export function describeFailure(error: unknown): unknown {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  if (error instanceof DatabaseInUseError) return error.message;
  return error;
}
