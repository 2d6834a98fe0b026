import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

const DURATION_BUCKETS_SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const BATCH_SIZE_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128];

export interface ServiceMetrics {
  /** Group commit's observer: called with the size of each batch that committed. */
  observeGroupCommitBatch(size: number): void;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** A value read at every scrape: a gauge, or a counter kept elsewhere (it must only grow). */
  collect(definition: { name: string; help: string; type: 'gauge' | 'counter'; read(): number }): void;
}

/** The service's own metrics, in `registry`; made before the database layer so that group commit can report into them. */
export function createServiceMetrics(registry: Registry): ServiceMetrics {
  const registers = [registry];
  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to having sent its response, by method and route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers,
  });
  const batchSizes = new Histogram({
    name: 'group_commit_batch_size',
    help: 'Sends that shared one SQLite transaction and fsync, per committed batch (stays empty without group commit).',
    buckets: BATCH_SIZE_BUCKETS,
    registers,
  });
  const groupCommit = { batches: 0, units: 0, largestBatch: 0 };

  const metrics: ServiceMetrics = {
    observeGroupCommitBatch(size) {
      groupCommit.batches += 1;
      groupCommit.units += size;
      groupCommit.largestBatch = Math.max(groupCommit.largestBatch, size);
      batchSizes.observe(size);
    },
    observeRequest(method, route, status, seconds) {
      requests.inc({ method, route, status });
      durations.observe({ method, route }, seconds);
    },
    collect({ name, help, type, read }) {
      if (type === 'gauge') {
        new Gauge({ name, help, registers, collect() { this.set(read()); } });
      } else {
        new Counter({ name, help, registers, collect() { this.reset(); this.inc(read()); } });
      }
    },
  };
  metrics.collect({
    name: 'group_commit_batches_total', type: 'counter', help: 'Group-commit batches committed.',
    read: () => groupCommit.batches,
  });
  metrics.collect({
    name: 'group_commit_messages_total', type: 'counter',
    help: 'Sends (one message each) that went through a committed group-commit batch, including ones rolled back alone.',
    read: () => groupCommit.units,
  });
  metrics.collect({
    name: 'group_commit_largest_batch', type: 'gauge', help: 'The largest group-commit batch since the start.',
    read: () => groupCommit.largestBatch,
  });
  return metrics;
}
