/**
 * Throughput of each endpoint against the ceiling, on one filled database per service: every service
 * (SQLite, and PostgreSQL when there is one) and the bare node:http ceiling are driven in turns, round
 * after round, in an order that changes from round to round (the machine is noisy; the report takes
 * medians), then the history page again during a storm of logins, one service at a time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ChildServer } from './child-server.js';
import { historyPage, inbox, logins, sends, usersList } from './endpoints.js';
import { type HttpRequestSpec, type LoadFigures, type LoadOptions, type RequestSource, runLoad } from './http-load.js';
import { type LoginSession, logIn } from './login-session.js';

export interface ThroughputOptions extends LoadOptions {
  readonly rounds: number;
  readonly warmupSeconds: number;
  /** Users sending messages, each with a session of their own. */
  readonly senders: number;
  readonly stormConnections: number;
  readonly users: number;
  readonly log: (line: string) => void;
}

/** A service under test: its server, and for SQLite a second one on a copy of the data with GROUP_COMMIT=false. */
export interface MeasuredService {
  readonly label: string;
  readonly server: ChildServer;
  readonly withoutGroupCommit: ChildServer | null;
  /** CPU time its database server has used so far (PostgreSQL's processes), in seconds; NaN for none. */
  readonly databaseCpuSeconds: () => number;
}

export interface EndpointFigures {
  readonly name: string;
  /** One per round. */
  readonly service: LoadFigures[];
  /** The database server's CPU over each run, in cores; NaN for an embedded database. */
  readonly databaseCores: number[];
  /** The ceiling answering the same requests with a body of the same size; shared by the two send rows. */
  readonly ceiling: LoadFigures[];
}

export interface StormFigures {
  /** The history page during the storm, one per round; the idle figures are the history row's. */
  readonly history: LoadFigures[];
  readonly logins: LoadFigures[];
}

export interface ThroughputFigures {
  readonly label: string;
  readonly endpoints: EndpointFigures[];
  readonly storm: StormFigures;
}

interface Endpoint {
  readonly name: string;
  readonly server: ChildServer;
  readonly source: RequestSource;
  readonly expectedStatus: number;
  /** The ceiling route this endpoint is compared with: `METHOD /path/`. */
  readonly route: string;
}

interface ServiceUnderTest {
  readonly measured: MeasuredService;
  readonly endpoints: Endpoint[];
  readonly storm: RequestSource;
  readonly figures: ThroughputFigures;
}

const PAUSE_BETWEEN_RUNS_MS = 500;
const SEND = 'send (POST /messages/)';
const SEND_WITHOUT_GROUP_COMMIT = 'send, GROUP_COMMIT=false';

export async function runThroughputPhase(services: readonly MeasuredService[], options: ThroughputOptions): Promise<ThroughputFigures[]> {
  const senderCount = Math.min(options.senders, options.users);
  const logInAll = async (server: ChildServer) => {
    const sessions: LoginSession[] = [];
    for (let user = 1; user <= senderCount; user += 1) sessions.push(await logIn(server.port, `user${user}`));
    return sessions;
  };

  const underTest: ServiceUnderTest[] = [];
  for (const measured of services) {
    options.log(`${measured.label}: logging in ${senderCount} senders`);
    const sessions = await logInAll(measured.server);
    const reader = sessions[0];
    const server = measured.server;
    const endpoints: Endpoint[] = [
      { name: 'history page (GET /list-messages/user2/?page_size=10)', server, source: historyPage(reader), expectedStatus: 200, route: 'GET /list-messages/user2/' },
      { name: SEND, server, source: sends(sessions, options.users), expectedStatus: 201, route: 'POST /messages/' },
    ];
    if (measured.withoutGroupCommit) {
      endpoints.push({
        name: SEND_WITHOUT_GROUP_COMMIT, server: measured.withoutGroupCommit,
        source: sends(await logInAll(measured.withoutGroupCommit), options.users), expectedStatus: 201, route: 'POST /messages/',
      });
    }
    endpoints.push(
      { name: 'users list (GET /users-list/)', server, source: usersList(reader), expectedStatus: 200, route: 'GET /users-list/' },
      { name: 'inbox (GET /conversations/)', server, source: inbox(reader), expectedStatus: 200, route: 'GET /conversations/' },
    );
    underTest.push({
      measured,
      endpoints,
      // Logins of users who hold no session used here, so that nothing above is disturbed.
      storm: logins(Math.min(senderCount + 1, options.users), options.users),
      figures: {
        label: measured.label,
        endpoints: endpoints.map((endpoint) => ({ name: endpoint.name, service: [], databaseCores: [], ceiling: [] })),
        storm: { history: [], logins: [] },
      },
    });
  }

  const sizes: Record<string, number> = {};
  for (const service of underTest) for (const endpoint of service.endpoints) sizes[endpoint.route] = await probe(endpoint);
  options.log(`answer sizes: ${Object.entries(sizes).map(([route, bytes]) => `${route} ${bytes} B`).join(', ')}`);
  const ceiling = await ChildServer.start('ceiling', 'bench/ceiling-server.ts', { CEILING_ROUTES: JSON.stringify(sizes) });
  try {
    const servers = [...new Set([...underTest.flatMap((service) => service.endpoints.map((endpoint) => endpoint.server)), ceiling])];
    // Requests still queued when a run ends are served after it: let them drain before the next one.
    const settle = async () => {
      await sleep(PAUSE_BETWEEN_RUNS_MS);
      await Promise.all(servers.map((server) => server.settle()));
    };
    const load = async (server: ChildServer, source: RequestSource, measured?: MeasuredService, connections = options.connections,
      seconds = options.seconds) => {
      const databaseBefore = measured?.databaseCpuSeconds() ?? Number.NaN;
      const startedAt = performance.now();
      const figures = await runLoad(server.port, source, { connections, seconds }, () => server.cpuSeconds());
      const databaseCores = ((measured?.databaseCpuSeconds() ?? Number.NaN) - databaseBefore) / ((performance.now() - startedAt) / 1000);
      return { figures, databaseCores };
    };

    options.log(`warming up: ${options.warmupSeconds} s per endpoint, service and ceiling`);
    const rows = underTest[0].endpoints.map((endpoint) => endpoint.name);
    for (const [row, name] of rows.entries()) {
      for (const service of underTest) {
        const endpoint = service.endpoints.find((candidate) => candidate.name === name);
        if (endpoint) await load(endpoint.server, endpoint.source, service.measured, options.connections, options.warmupSeconds);
      }
      if (name !== SEND_WITHOUT_GROUP_COMMIT) await load(ceiling, underTest[0].endpoints[row].source, undefined, options.connections, options.warmupSeconds);
    }
    for (const service of underTest) await load(service.measured.server, service.storm, service.measured, options.stormConnections, options.warmupSeconds);
    await settle();

    const ceilings = new Map<string, LoadFigures[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [row, name] of rows.entries()) {
        const runs: { label: string; run: () => Promise<number> }[] = [];
        for (const service of underTest) {
          const index = service.endpoints.findIndex((candidate) => candidate.name === name);
          if (index < 0) continue;
          const endpoint = service.endpoints[index];
          const own = service.figures.endpoints[index];
          runs.push({
            label: service.measured.label,
            run: async () => {
              const { figures, databaseCores } = await load(endpoint.server, endpoint.source, service.measured);
              own.service.push(figures);
              own.databaseCores.push(databaseCores);
              return figures.rate;
            },
          });
        }
        if (name !== SEND_WITHOUT_GROUP_COMMIT) {
          runs.push({
            label: 'ceiling',
            run: async () => {
              const { figures } = await load(ceiling, underTest[0].endpoints[row].source);
              ceilings.set(name, [...(ceilings.get(name) ?? []), figures]);
              return figures.rate;
            },
          });
        }
        // Each round starts with another of them, so that a drift of the machine's speed favours none.
        const shift = (round + row) % runs.length;
        const ordered = [...runs.slice(shift), ...runs.slice(0, shift)];
        const rates: string[] = [];
        for (const { label, run } of ordered) {
          rates.push(`${label} ${(await run()).toFixed(0)}/s`);
          await settle();
        }
        options.log(`round ${round + 1}/${options.rounds}: ${name}: ${rates.join(', ')}`);
      }
      for (const service of underTest) {
        const history = service.endpoints[0];
        const [during, loginFigures] = await Promise.all([
          load(history.server, history.source),
          load(service.measured.server, service.storm, undefined, options.stormConnections),
        ]);
        service.figures.storm.history.push(during.figures);
        service.figures.storm.logins.push(loginFigures.figures);
        options.log(`round ${round + 1}/${options.rounds}: ${service.measured.label}: login storm: ${loginFigures.figures.rate.toFixed(0)} logins/s, `
          + `history p99 ${during.figures.p99.toFixed(1)} ms (idle ${service.figures.endpoints[0].service.at(-1)!.p99.toFixed(1)} ms)`);
        await settle();
      }
    }
    for (const service of underTest) {
      for (const endpoint of service.figures.endpoints) {
        endpoint.ceiling.push(...(ceilings.get(endpoint.name === SEND_WITHOUT_GROUP_COMMIT ? SEND : endpoint.name) ?? []));
      }
    }
    return underTest.map((service) => service.figures);
  } finally {
    await ceiling.stop();
  }
}

/** One request of the endpoint, which must answer as expected: the size of its answer. */
async function probe(endpoint: Endpoint): Promise<number> {
  const spec: HttpRequestSpec = typeof endpoint.source === 'function' ? endpoint.source() : endpoint.source;
  const response = await fetch(`http://127.0.0.1:${endpoint.server.port}${spec.path}`, {
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
  });
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== endpoint.expectedStatus) {
    throw new Error(`${endpoint.name} answered ${response.status}, expected ${endpoint.expectedStatus}: ${body.toString().slice(0, 300)}`);
  }
  return body.length;
}
