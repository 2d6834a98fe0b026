import type { HealthRepository } from './health.repository.js';

export type Readiness = { ready: true } | { ready: false; reason: unknown };

const READINESS_TIMEOUT_MS = 2000;

/**
 * Readiness: whether the database answers within `timeoutMs` and takes writes. A database that hangs
 * (an exhausted pool, a partitioned server) counts as unavailable rather than holding the probe open;
 * so does a read-only one, which would refuse every send.
 */
export function createHealthService(deps: { health: HealthRepository; timeoutMs?: number }) {
  return {
    async readiness(): Promise<Readiness> {
      const timeoutMs = deps.timeoutMs ?? READINESS_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        if (await Promise.race([deps.health.acceptsWrites(), timeout])) return { ready: true };
        return { ready: false, reason: new Error('the database is read-only') };
      } catch (reason) {
        return { ready: false, reason };
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

export type HealthService = ReturnType<typeof createHealthService>;
