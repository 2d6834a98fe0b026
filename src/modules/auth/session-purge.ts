import type { FastifyInstance } from 'fastify';

export const SESSION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Deletes expired and idle sessions when the app is ready, then every `intervalMs`. A failed purge is
 * logged and tried again at the next interval; closing the app waits for a purge under way.
 */
export function scheduleSessionPurge(app: FastifyInstance, purge: () => Promise<number>,
  intervalMs = SESSION_PURGE_INTERVAL_MS): void {
  let running: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;

  const run = (): Promise<void> => {
    running = running.then(async () => {
      try {
        const purged = await purge();
        if (purged > 0) app.log.info({ purged }, 'expired sessions purged');
      } catch (error) {
        app.log.error({ err: error }, 'session purge failed');
      }
    });
    return running;
  };

  app.addHook('onReady', async () => {
    await run();
    timer = setInterval(() => void run(), intervalMs);
    timer.unref();
  });
  app.addHook('onClose', async () => {
    clearInterval(timer);
    await running;
  });
}
