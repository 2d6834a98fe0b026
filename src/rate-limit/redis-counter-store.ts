import { Redis } from 'ioredis';
import type { CounterStore } from './counter-store.js';

interface Logger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

// Checks every window before counting in any, in one script, so that concurrent requests on any
// number of instances can never count past a limit. ARGV holds each window's limit and length (ms).
const CONSUME = `
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i - 1]) then
    wait = math.max(wait, redis.call('PTTL', key))
  end
end
if wait > 0 then return wait end
for i, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[2 * i]) end
end
return 0
`;

// A window that closed in the meantime is left alone: decrementing it would recreate it without an expiry.
const REFUND = `
for _, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 and redis.call('DECR', key) <= 0 then redis.call('DEL', key) end
end
return 0
`;

interface CounterCommands {
  consumeWindows(keyCount: number, ...keysAndArgs: (string | number)[]): Promise<number>;
  refundWindows(keyCount: number, ...keys: string[]): Promise<number>;
}

/** How long a rate-limit check may wait for Redis before the request is let through unchecked. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2000;

/**
 * Counters in Redis, shared by every instance that uses the same Redis and `keyPrefix`. When Redis
 * cannot answer, every check lets the request through (fails open) rather than failing it: the outage
 * is logged once, and its end once. Commands fail at once while disconnected (no offline queue), and
 * the connection comes back by itself. Resolves once the first connection attempt has succeeded or
 * failed, so that an instance starts counting with its first request.
 */
export async function openRedisCounterStore(url: string, keyPrefix: string, log: Logger): Promise<CounterStore> {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt: number) => Math.min(attempt * 200, 2000),
  }) as Redis & CounterCommands;
  redis.defineCommand('consumeWindows', { lua: CONSUME });
  redis.defineCommand('refundWindows', { lua: REFUND });

  let down = false;
  const reportDown = (error: unknown) => {
    if (!down) log.warn({ err: error }, 'redis unavailable; rate limits not enforced until it is back');
    down = true;
  };
  const reportUp = () => {
    if (down) log.info({}, 'redis reachable again; rate limits enforced');
    down = false;
  };
  redis.on('error', reportDown);
  redis.on('ready', reportUp);
  await new Promise<void>((resolve) => {
    redis.once('ready', resolve);
    redis.once('error', () => resolve());
  });

  return {
    async consume(windows) {
      const keys = windows.map((window) => keyPrefix + window.key);
      const limits = windows.flatMap((window) => [window.limit, window.windowMs]);
      try {
        const waitMs = await redis.consumeWindows(keys.length, ...keys, ...limits);
        reportUp();
        return waitMs;
      } catch (error) {
        reportDown(error);
        return 0;
      }
    },

    async refund(keys) {
      try {
        await redis.refundWindows(keys.length, ...keys.map((key) => keyPrefix + key));
        reportUp();
      } catch (error) {
        reportDown(error);
      }
    },

    async clear(keys) {
      try {
        await redis.del(...keys.map((key) => keyPrefix + key));
        reportUp();
      } catch (error) {
        reportDown(error);
      }
    },

    async close() {
      redis.disconnect();
    },
  };
}
