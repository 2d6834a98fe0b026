import { Redis } from 'ioredis';
import postgres from 'postgres';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigError } from '../config.js';

/** A database or Redis that did not answer within the start-up wait. */
export class ServiceUnavailableError extends Error {}

export interface WaitOptions {
  /** How long to keep trying; 0 tries once. */
  readonly waitSeconds: number;
  /** Told once that the service is not up yet and is being waited for. */
  readonly log: (message: string) => void;
}

const RETRY_INTERVAL_MS = 500;
/** One attempt's connection timeout at most, so that a dropped SYN does not eat the whole wait. */
const ATTEMPT_TIMEOUT_SECONDS = 5;

/** PostgreSQL's answers that mean "not yet": it is starting up, or has no connection slot free. */
const POSTGRES_NOT_YET = new Set(['57P03', '53300']);

/**
 * Waits until the PostgreSQL at `url` accepts a connection and a query. A refusal that waiting cannot
 * cure (a wrong password, a missing database) is a ConfigError at once.
 */
export async function waitForPostgres(url: string, options: WaitOptions): Promise<void> {
  await waitFor('PostgreSQL', 'DATABASE_URL', url, options, async (timeoutSeconds) => {
    const probe = postgres(url, { max: 1, connect_timeout: timeoutSeconds, onnotice: () => {} });
    try {
      await probe`select 1`;
    } catch (error) {
      const code = (error as { code?: string }).code;
      const fromServer = (error as { severity?: string }).severity !== undefined;
      if (fromServer && !POSTGRES_NOT_YET.has(code ?? '')) {
        throw new ConfigError(`DATABASE_URL: PostgreSQL at ${hostOf(url)} refused the connection: ${(error as Error).message}`);
      }
      throw error;
    } finally {
      await probe.end({ timeout: 0 });
    }
  });
}

/** Waits until the Redis at `url` answers PING. A refused password is a ConfigError at once. */
export async function waitForRedis(url: string, options: WaitOptions): Promise<void> {
  await waitFor('Redis', 'REDIS_URL', url, options, async (timeoutSeconds) => {
    const probe = new Redis(url, {
      lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
      connectTimeout: timeoutSeconds * 1000,
    });
    // The socket's own error (ECONNREFUSED) says more than the "Connection is closed" the calls reject with.
    let socketError: Error | undefined;
    probe.on('error', (error: Error) => { socketError ??= error; });
    try {
      await probe.connect();
      await probe.ping();
    } catch (error) {
      const message = (error as Error).message;
      if (socketError && message === 'Connection is closed.') throw socketError;
      if (/^(NOAUTH|WRONGPASS)|invalid (username-password pair|password)/i.test(message)) {
        throw new ConfigError(`REDIS_URL: Redis at ${hostOf(url)} refused the connection: ${message}`);
      }
      throw error;
    } finally {
      probe.disconnect();
    }
  });
}

async function waitFor(name: string, setting: string, url: string, options: WaitOptions,
  attempt: (timeoutSeconds: number) => Promise<void>): Promise<void> {
  const deadline = Date.now() + options.waitSeconds * 1000;
  let told = false;
  for (;;) {
    const remainingSeconds = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
    try {
      return await attempt(Math.min(remainingSeconds, ATTEMPT_TIMEOUT_SECONDS));
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      const reason = (error as Error).message;
      if (Date.now() + RETRY_INTERVAL_MS >= deadline) {
        throw new ServiceUnavailableError(`${name} at ${hostOf(url)} did not answer`
          + `${options.waitSeconds > 0 ? ` within ${options.waitSeconds} s` : ''} (${reason}). `
          + `Start it, or correct ${setting}; STARTUP_WAIT_SECONDS sets how long to wait.`);
      }
      if (!told) {
        options.log(`waiting for ${name} at ${hostOf(url)} (${reason}), for up to ${options.waitSeconds} s`);
        told = true;
      }
      await sleep(RETRY_INTERVAL_MS);
    }
  }
}

/** Where a service is, without the credentials its URL may carry. */
function hostOf(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return 'the configured address';
  }
}
