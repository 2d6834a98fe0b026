import { ConfigError } from './config.js';

/**
 * What the server and the commands print when they cannot start or finish: one line naming what to fix.
 * The stack of an unexpected error is added only when `verbose` (LOG_LEVEL=debug or trace).
 */
export function describeFailure(error: unknown, verbose = false): string {
  if (error instanceof ConfigError) return `Configuration error: ${error.message}`;
  const message = error instanceof Error ? error.message : String(error);
  if (verbose && error instanceof Error && error.stack) return `Could not start: ${error.stack}`;
  return `Could not start: ${message}`;
}

/** 2 for a setting to correct, 1 for anything else. */
export function exitCodeOf(error: unknown): 1 | 2 {
  return error instanceof ConfigError ? 2 : 1;
}
