import { buildApp } from './app.js';
import { loadConfig } from './config.js';
import { describeFailure, exitCodeOf } from './startup-failure.js';
import { webBundle } from './modules/web/web-bundle.js';
import { warmUpNextTick } from './runtime/next-tick-warm-up.js';

async function main(): Promise<void> {
  const config = loadConfig();
  await warmUpNextTick();
  const app = await buildApp(config, { waitForServices: true });
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    setTimeout(() => {
      app.log.error({ timeoutSeconds: config.shutdownTimeoutSeconds }, 'shutdown did not finish in time: exiting anyway');
      process.exit(1);
    }, config.shutdownTimeoutSeconds * 1000);
    // Stops accepting connections, answers 503 on the ones still open, lets requests in flight finish,
    // closes WebSockets with 1001, then the database and Redis (see plugins/shutdown.ts).
    app.close().then(() => {
      app.log.info('shut down');
      process.exit(0);
    }, (error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);

  await app.listen({ port: config.port, host: config.host });
  // The web app is bundled now rather than when its first visitor asks (see web-bundle.ts).
  webBundle().catch((error: unknown) => app.log.error({ err: error }, 'the web app could not be bundled'));
}

main().catch((error: unknown) => {
  console.error(describeFailure(error, /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')));
  process.exit(exitCodeOf(error));
});
