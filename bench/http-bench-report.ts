/** The tables `npm run bench` ends with: medians over the rounds, ratios, targets. */
import type { LoadFigures } from './http-load.js';
import type { InstancesFigures } from './instances-phase.js';
import type { ScaleFigure } from './scale-check.js';
import { fixed, median, table } from './statistics.js';
import type { ThroughputFigures } from './throughput-phase.js';

/** A storm may slow the history page by at most this factor (p99). */
const STORM_P99_TARGET = 2;
/** The large database may cost at most this factor of the small one. */
const FLAT_COST_TARGET = 1.2;
/** PostgreSQL against SQLite, each endpoint's answers a second at least this share of SQLite's. */
const POSTGRES_RATIO_TARGETS: Record<string, number> = {
  'history page (GET /list-messages/user2/?page_size=10)': 0.35,
  'send (POST /messages/)': 0.3,
  'users list (GET /users-list/)': 0.35,
  'inbox (GET /conversations/)': 0.35,
};
/** PostgreSQL's p99 at the benchmark's connections: pages, and sends. */
const POSTGRES_PAGE_P99_MS = 25;
const POSTGRES_SEND_P99_MS = 50;

const medianOf = (runs: readonly LoadFigures[], pick: (figures: LoadFigures) => number) => median(runs.map(pick));

function failuresOf(runs: readonly LoadFigures[]): string {
  const total: Record<string, number> = {};
  for (const run of runs) for (const [key, count] of Object.entries(run.failures)) total[key] = (total[key] ?? 0) + count;
  const entries = Object.entries(total);
  return entries.length === 0 ? 'none' : entries.map(([key, count]) => `${count} × ${key}`).join(', ');
}

function verdict(value: number, target: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value <= target ? 'met' : 'MISSED';
}

export function printThroughput(figures: ThroughputFigures, rounds: number, connections: number, seconds: number): void {
  const label = figures.label;
  console.log(`\n### ${label}: throughput, ${connections} connections, ${seconds} s a run, median of ${rounds} round(s)`);
  console.log('Ratio: the service\'s answers per second over the ceiling\'s (a bare node:http server answering a body of '
    + 'the same size to the same requests); CPU in cores (2 = both cores), of the service and of the database server.\n');
  console.log(table(
    ['endpoint', 'req/s', 'ceiling req/s', 'ratio', 'p50 ms', 'p99 ms', 'ceiling p50 / p99 ms', 'service CPU', 'database CPU', 'failures'],
    figures.endpoints.map((endpoint) => {
      const rate = medianOf(endpoint.service, (f) => f.rate);
      const ceilingRate = medianOf(endpoint.ceiling, (f) => f.rate);
      return [
        endpoint.name,
        fixed(rate, 0),
        fixed(ceilingRate, 0),
        fixed(rate / ceilingRate, 2),
        fixed(medianOf(endpoint.service, (f) => f.p50)),
        fixed(medianOf(endpoint.service, (f) => f.p99)),
        `${fixed(medianOf(endpoint.ceiling, (f) => f.p50))} / ${fixed(medianOf(endpoint.ceiling, (f) => f.p99))}`,
        fixed(medianOf(endpoint.service, (f) => f.serverCores), 2),
        fixed(median(endpoint.databaseCores), 2),
        failuresOf(endpoint.service),
      ];
    }),
  ));

  const idle = figures.endpoints[0].service;
  const { history, logins } = figures.storm;
  const idleP99 = medianOf(idle, (f) => f.p99);
  const stormP99 = medianOf(history, (f) => f.p99);
  console.log(`\n${label}: history page during a login storm (both at once, each ${seconds} s; median of ${rounds})\n`);
  console.log(table(
    ['figure', 'idle', 'during the storm', 'ratio', 'target', ''],
    [
      ['history p99', `${fixed(idleP99)} ms`, `${fixed(stormP99)} ms`, fixed(stormP99 / idleP99, 2), `≤ ${STORM_P99_TARGET}×`, verdict(stormP99 / idleP99, STORM_P99_TARGET)],
      ['history p50', `${fixed(medianOf(idle, (f) => f.p50))} ms`, `${fixed(medianOf(history, (f) => f.p50))} ms`, '', '', ''],
      ['history req/s', fixed(medianOf(idle, (f) => f.rate), 0), fixed(medianOf(history, (f) => f.rate), 0), '', '', ''],
      ['logins/s (p50 / p99)', '', `${fixed(medianOf(logins, (f) => f.rate), 0)} (${fixed(medianOf(logins, (f) => f.p50))} / ${fixed(medianOf(logins, (f) => f.p99))} ms)`,
        '', '', `failures: ${failuresOf(logins)}`],
    ],
  ));
}

/** PostgreSQL against SQLite, measured in the same rounds, in turns: the ratio of their medians, and PostgreSQL's p99. */
export function printComparison(sqlite: ThroughputFigures, postgres: ThroughputFigures, rounds: number, connections: number): void {
  console.log(`\n### ${postgres.label} against ${sqlite.label}, in the same ${rounds} round(s), ${connections} connections\n`);
  const rows = postgres.endpoints.flatMap((endpoint) => {
    const target = POSTGRES_RATIO_TARGETS[endpoint.name];
    const embedded = sqlite.endpoints.find((candidate) => candidate.name === endpoint.name);
    if (target === undefined || !embedded) return [];
    const ratio = medianOf(endpoint.service, (f) => f.rate) / medianOf(embedded.service, (f) => f.rate);
    const p99 = medianOf(endpoint.service, (f) => f.p99);
    const p99Target = endpoint.name.startsWith('send') ? POSTGRES_SEND_P99_MS : POSTGRES_PAGE_P99_MS;
    return [[
      endpoint.name,
      fixed(medianOf(embedded.service, (f) => f.rate), 0),
      fixed(medianOf(endpoint.service, (f) => f.rate), 0),
      fixed(ratio, 2), `≥ ${target}`, verdict(-ratio, -target),
      `${fixed(p99)} ms`, `≤ ${p99Target} ms`, verdict(p99, p99Target),
    ]];
  });
  console.log(table([
    'endpoint', `${sqlite.label} req/s`, `${postgres.label} req/s`, 'ratio', 'target', '', `${postgres.label} p99`, 'target', '',
  ], rows));
}

export function printScale(label: string, smallMessages: number, largeMessages: number, requests: number, figures: readonly ScaleFigure[]): void {
  console.log(`\n### ${label}: flat cost, ${smallMessages} vs ${largeMessages} messages; median of ${requests} sequential requests each\n`);
  console.log(table(
    ['request', `${smallMessages} messages`, `${largeMessages} messages`, 'large / small', 'target', ''],
    figures.map((figure) => {
      const ratio = figure.large / figure.small;
      return [
        figure.name,
        `${fixed(figure.small, 2)} ms`,
        `${fixed(figure.large, 2)} ms`,
        fixed(ratio, 2),
        figure.flatTarget ? `≤ ${FLAT_COST_TARGET}×` : '',
        figure.flatTarget ? verdict(ratio, FLAT_COST_TARGET) : '',
      ];
    }),
  ));
}

export function printInstances(label: string, figures: readonly InstancesFigures[], rounds: number, connections: number, seconds: number): void {
  console.log(`\n### ${label}: one instance or two sharing the database, ${connections} connections in all, ${seconds} s a run, median of ${rounds} round(s)`);
  console.log('With two, half the connections go to each; their latencies are the worse instance\'s; CPU is both instances\' together.\n');
  console.log(table(
    ['workload', 'one: req/s', 'p50 / p99 ms', 'CPU', 'two: req/s', 'p50 / p99 ms', 'CPU', 'two / one', 'failures'],
    figures.map((figure) => {
      const one = medianOf(figure.one, (f) => f.rate);
      const two = medianOf(figure.two, (f) => f.rate);
      const latency = (runs: readonly LoadFigures[]) => `${fixed(medianOf(runs, (f) => f.p50))} / ${fixed(medianOf(runs, (f) => f.p99))}`;
      return [
        figure.name,
        fixed(one, 0), latency(figure.one), fixed(medianOf(figure.one, (f) => f.serverCores), 2),
        fixed(two, 0), latency(figure.two), fixed(medianOf(figure.two, (f) => f.serverCores), 2),
        fixed(two / one, 2),
        failuresOf([...figure.one, ...figure.two]),
      ];
    }),
  ));
}
