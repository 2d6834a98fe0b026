import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Alive, Ready, Unavailable } from './health.schemas.js';
import type { HealthService } from './health.service.js';

/**
 * Probes for orchestrators and load balancers: no authentication, and answered with or without the
 * trailing slash (a probe does not follow the 301 the rest of the API gives).
 */
export const healthRoutes: FastifyPluginAsyncTypebox<{ health: HealthService }> = async (app, opts) => {
  for (const url of ['/healthz', '/healthz/']) {
    app.get(url, {
      logLevel: 'warn',
      schema: {
        hide: url.endsWith('/'),
        tags: ['operations'],
        summary: 'Liveness: the process is up',
        description: 'Answers 200 as long as the process serves HTTP; it does not touch the database.',
        security: [],
        response: { 200: { ...Alive, description: 'The process is up.' } },
      },
    }, async () => ({ status: 'ok' as const }));
  }

  for (const url of ['/readyz', '/readyz/']) {
    app.get(url, {
      logLevel: 'warn',
      schema: {
        hide: url.endsWith('/'),
        tags: ['operations'],
        summary: 'Readiness: the database is reachable and takes writes',
        description: 'Asks the database whether it takes writes: 200 when it answers that it does, 503 when it '
          + 'fails, does not answer within two seconds, or is read-only (a PostgreSQL standby).',
        security: [],
        response: {
          200: { ...Ready, description: 'The database answered and takes writes.' },
          503: { ...Unavailable, description: 'The database failed, did not answer in time, or is read-only.' },
        },
      },
    }, async (req, reply) => {
      const readiness = await opts.health.readiness();
      if (readiness.ready) return { status: 'ready' as const };
      req.log.warn({ err: readiness.reason }, 'not ready: the database is unreachable or read-only');
      return reply.code(503).send({ status: 'unavailable' as const });
    });
  }
};
