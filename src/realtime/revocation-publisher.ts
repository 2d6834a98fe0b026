import { Redis } from 'ioredis';
import { revokeChannelOf } from './redis-bus.js';

/**
 * Tells the running instances, from another process (a command), that sessions or tokens ended, so
 * that they close the sockets opened with them: it publishes on the channel that every instance's
 * Redis bus hears for ended sessions.
 */
export function createRevocationPublisher(url: string, prefix: string) {
  const channel = revokeChannelOf(prefix);
  const redis = new Redis(url, {
    // commandTimeout: a server that takes the connection and never answers must not hold the command up.
    lazyConnect: true, connectTimeout: 5000, commandTimeout: 5000, maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => (attempt > 3 ? null : 200),
  });
  let lastError: Error | null = null;
  let failed = 0;
  redis.on('error', (error: Error) => { lastError = error; });

  return {
    /** Never throws: a revocation that could not be published is counted in `failed`. */
    async revoke(credentialHash: string): Promise<void> {
      try {
        await redis.publish(channel, credentialHash);
      } catch (error) {
        lastError = error as Error;
        failed += 1;
      }
    },

    get failed(): number {
      return failed;
    },

    get lastError(): Error | null {
      return lastError;
    },

    async close(): Promise<void> {
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}

export type RevocationPublisher = ReturnType<typeof createRevocationPublisher>;
