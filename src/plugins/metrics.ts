import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../errors.js';
import { detailAnswer } from '../http/common.schemas.js';
import { Registry } from 'prom-client';
import { processMetrics } from '../metrics/process-metrics.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { Bus } from '../realtime/bus.js';
import type { Hub } from '../realtime/hub.js';

/** The route label of requests that matched no route (404s, 405s, trailing-slash redirects). */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface MetricsPluginOptions {
  /** The app's registry, and its metrics in it. */
  registry: Registry;
  metrics: ServiceMetrics;
  hub: Hub;
  bus: Bus;
  /** When set, `GET /metrics` needs `Authorization: Bearer <token>`; when null it is open. */
  token: string | null;
}

const metricsUnauthorized = () =>
  new ApiError(401, { detail: 'Authentication credentials were not provided.' }, { 'www-authenticate': 'Bearer' });

/**
 * Counts and times every request by its route pattern (never the raw URL, so that the number of
 * series stays bounded), and serves everything in Prometheus' text format at `GET /metrics`.
 */
export function installMetrics(app: FastifyInstance, opts: MetricsPluginOptions): void {
  const { metrics, hub, bus } = opts;
  metrics.collect({
    name: 'websocket_connections', type: 'gauge', help: 'WebSocket connections open on this instance.',
    read: () => hub.openCount,
  });
  metrics.collect({
    name: 'realtime_publish_lost_total', type: 'counter',
    help: 'Real-time events that could not be published because the broker (Redis) was unreachable.',
    read: () => bus.lostCount,
  });

  app.addHook('onResponse', (req, reply, done) => {
    const method = KNOWN_METHODS.has(req.method) ? req.method : 'OTHER';
    metrics.observeRequest(method, routeLabel(req), reply.statusCode, reply.elapsedTime / 1000);
    done();
  });

  const expectedDigest = opts.token === null ? null : digest(opts.token);
  for (const url of ['/metrics', '/metrics/']) {
    app.get(url, {
      logLevel: 'warn',
      schema: {
        hide: url.endsWith('/'),
        tags: ['operations'],
        summary: 'Metrics in Prometheus text format',
        description: 'Request counts and durations by route pattern, open WebSockets, group-commit batches, lost '
          + 'real-time events, and the process\'s CPU, memory, heap, garbage collection and event-loop lag. Open unless the service runs with `METRICS_TOKEN`, in which case it needs '
          + '`Authorization: Bearer <METRICS_TOKEN>`.',
        security: [],
        response: {
          200: {
            description: 'Prometheus text exposition format, version 0.0.4.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          401: detailAnswer('METRICS_TOKEN is set and the request did not carry it.', 'Authentication credentials were not provided.'),
        },
      },
    }, async (req, reply) => {
      if (expectedDigest !== null && !bearerMatches(req, expectedDigest)) throw metricsUnauthorized();
      const everything = Registry.merge([opts.registry, processMetrics()]);
      return reply.type(everything.contentType).send(await everything.metrics());
    });
  }
}

function routeLabel(req: FastifyRequest): string {
  if (req.is404) return UNMATCHED_ROUTE;
  return req.routeOptions.url ?? UNMATCHED_ROUTE;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Compares digests, so that neither the token's length nor its content shows in the timing. */
function bearerMatches(req: FastifyRequest, expectedDigest: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]), expectedDigest);
}
