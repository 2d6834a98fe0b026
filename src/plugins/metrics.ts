import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';
import { detailAnswer } from '../http/common.schemas.js';
import { type CounterSeries, createRegistry, type HistogramSeries, PROMETHEUS_CONTENT_TYPE, type Registry } from '../metrics/prometheus.js';
import type { Bus } from '../realtime/bus.js';
import type { Hub } from '../realtime/hub.js';

/** The route label of requests that matched no route (404s, 405s, trailing-slash redirects). */
export const UNMATCHED_ROUTE = 'unmatched';

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

export interface Metrics {
  readonly registry: Registry;
  /** Group commit's observer: called with the size of each batch that committed. */
  observeGroupCommitBatch(size: number): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
}

/** The service's metrics; made before the database layer so that group commit can report into them. */
export function createMetrics(): Metrics {
  const registry = createRegistry();
  const requests = registry.counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'],
  });
  const durations = registry.histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to having sent its response, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: DURATION_BUCKETS_SECONDS,
  });
  const batchSizes = registry.histogram({
    name: 'group_commit_batch_size',
    help: 'Sends that shared one SQLite transaction and fsync, per committed batch (stays empty without group commit).',
    labelNames: [],
    buckets: BATCH_SIZE_BUCKETS,
  });
  const groupCommit = { batches: 0, units: 0, largestBatch: 0 };
  registry.collected({
    name: 'group_commit_batches_total', type: 'counter', help: 'Group-commit batches committed.',
    read: () => groupCommit.batches,
  });
  registry.collected({
    name: 'group_commit_messages_total', type: 'counter',
    help: 'Sends (one message each) that went through a committed group-commit batch, including ones rolled back alone.',
    read: () => groupCommit.units,
  });
  registry.collected({
    name: 'group_commit_largest_batch', type: 'gauge', help: 'The largest group-commit batch since the start.',
    read: () => groupCommit.largestBatch,
  });

  // The series of each route and method, found once: formatting label sets on every request cost more
  // than the rest of the observation. Routes, methods and the statuses we answer are few.
  interface RouteSeries { duration: HistogramSeries; byStatus: Map<number, CounterSeries> }
  const seriesByRoute = new Map<string, Map<string, RouteSeries>>();
  const seriesOf = (method: string, route: string): RouteSeries => {
    let byMethod = seriesByRoute.get(route);
    if (!byMethod) seriesByRoute.set(route, (byMethod = new Map()));
    let series = byMethod.get(method);
    if (!series) byMethod.set(method, (series = { duration: durations.labels({ method, route }), byStatus: new Map() }));
    return series;
  };

  return {
    registry,
    observeGroupCommitBatch(size) {
      groupCommit.batches += 1;
      groupCommit.units += size;
      groupCommit.largestBatch = Math.max(groupCommit.largestBatch, size);
      batchSizes.observe({}, size);
    },
    observeRequest(method, route, status, seconds) {
      const series = seriesOf(method, route);
      let requestsOfStatus = series.byStatus.get(status);
      if (!requestsOfStatus) series.byStatus.set(status, (requestsOfStatus = requests.labels({ method, route, status: String(status) })));
      requestsOfStatus.inc();
      series.duration.observe(seconds);
    },
  };
}

export interface MetricsPluginOptions {
  metrics: Metrics;
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
export const metricsPlugin = fp(async (app: FastifyInstance, opts: MetricsPluginOptions) => {
  const { metrics, hub, bus } = opts;
  metrics.registry.collected({
    name: 'websocket_connections', type: 'gauge', help: 'WebSocket connections open on this instance.',
    read: () => hub.openCount,
  });
  metrics.registry.collected({
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
        description: 'Request counts and durations by route pattern, open WebSockets, group-commit batches and lost '
          + 'real-time events. Open unless the service runs with `METRICS_TOKEN`, in which case it needs '
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
      return reply.type(PROMETHEUS_CONTENT_TYPE).send(metrics.registry.expose());
    });
  }
}, { name: 'metrics' });

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
