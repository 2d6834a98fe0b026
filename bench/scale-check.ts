/**
 * Flat cost: the same requests on a small and a large database, one at a time (no queueing), taking
 * turns between the two services so that the machine's noise falls on both alike. A request whose
 * cost does not depend on the size of the data answers in about the same time on both.
 */
import { performance } from 'node:perf_hooks';
import type { BenchDatabase } from './bench-database.js';
import type { ChildServer } from './child-server.js';
import { passwordOf, usernameOf } from './fill-plan.js';
import { HttpClient } from './http.js';
import { logIn, sessionHeaders } from './login-session.js';
import { median } from './statistics.js';

export interface ScaleOptions {
  readonly requests: number;
  readonly log: (line: string) => void;
}

export interface ScaleFigure {
  readonly name: string;
  /** Median latency in milliseconds. */
  readonly small: number;
  readonly large: number;
  /** Only some rows carry the flat-cost target. */
  readonly flatTarget: boolean;
}

interface Probe {
  readonly name: string;
  readonly flatTarget: boolean;
  /** The request on a database (its plan decides ids and pages), made with `client`. */
  request(client: HttpClient, database: BenchDatabase, headers: Record<string, string>, turn: number): Promise<number>;
}

const WARMUP_REQUESTS = 20;

function get(path: (database: BenchDatabase) => string): Probe['request'] {
  return async (client, database, headers) => (await client.request('GET', path(database), undefined, headers)).status;
}

const featured = (database: BenchDatabase) => database.plan.featuredMessageIds;

const PROBES: readonly Probe[] = [
  { name: 'history page=1', flatTarget: true, request: get(() => '/list-messages/user2/?page=1&page_size=10') },
  { name: 'history page=last', flatTarget: true, request: get(() => '/list-messages/user2/?page=last&page_size=10') },
  {
    name: 'history before=<middle id>&limit=10', flatTarget: true,
    request: get((database) => `/list-messages/user2/?before=${featured(database)[Math.floor(featured(database).length / 2)]}&limit=10`),
  },
  {
    name: 'history page=<middle> (OFFSET; no target)', flatTarget: false,
    request: get((database) => `/list-messages/user2/?page=${Math.max(1, Math.ceil(featured(database).length / 20))}&page_size=10`),
  },
  { name: 'inbox (GET /conversations/)', flatTarget: true, request: get(() => '/conversations/') },
  {
    name: 'login (POST /login/)', flatTarget: true,
    request: async (client, database, _headers, turn) => {
      const username = usernameOf(3 + (turn % Math.max(1, database.plan.users - 2)));
      const response = await client.request('POST', '/login/', { username, password: passwordOf(username) });
      return response.status;
    },
  },
];

export async function runScaleCheck(small: { database: BenchDatabase; server: ChildServer },
  large: { database: BenchDatabase; server: ChildServer }, options: ScaleOptions): Promise<ScaleFigure[]> {
  const sides = await Promise.all([small, large].map(async ({ database, server }) => ({
    database,
    client: new HttpClient(server.port, 1),
    headers: sessionHeaders(await logIn(server.port, 'user1')),
  })));
  try {
    const figures: ScaleFigure[] = [];
    for (const probe of PROBES) {
      const times: [number[], number[]] = [[], []];
      for (let turn = 0; turn < WARMUP_REQUESTS + options.requests; turn += 1) {
        // Alternate which side goes first in each pair of requests.
        const order = turn % 2 === 0 ? [0, 1] : [1, 0];
        for (const side of order) {
          const { client, database, headers } = sides[side];
          const started = performance.now();
          const status = await probe.request(client, database, headers, turn);
          const elapsed = performance.now() - started;
          if (status !== 200) throw new Error(`${probe.name} answered ${status} on the ${side === 0 ? 'small' : 'large'} database`);
          if (turn >= WARMUP_REQUESTS) times[side].push(elapsed);
        }
      }
      const figure = { name: probe.name, small: median(times[0]), large: median(times[1]), flatTarget: probe.flatTarget };
      options.log(`scale: ${probe.name}: ${figure.small.toFixed(2)} ms vs ${figure.large.toFixed(2)} ms`);
      figures.push(figure);
    }
    return figures;
  } finally {
    for (const side of sides) side.client.close();
  }
}
