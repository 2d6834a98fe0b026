/**
 * Throughput of each endpoint against the ceiling, on one filled database: the service and the bare
 * node:http ceiling are driven in turns, round after round (the machine is noisy; the report takes
 * medians), then the history page again during a storm of logins.
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

export interface EndpointFigures {
  readonly name: string;
  /** One per round. */
  readonly service: LoadFigures[];
  /** The ceiling answering the same requests with a body of the same size; shared by the two send rows. */
  readonly ceiling: LoadFigures[];
}

export interface StormFigures {
  /** The history page during the storm, one per round; the idle figures are the history row's. */
  readonly history: LoadFigures[];
  readonly logins: LoadFigures[];
}

export interface ThroughputFigures {
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
  /** Set when another endpoint measures the same ceiling route. */
  readonly ceilingOf?: string;
}

const PAUSE_BETWEEN_RUNS_MS = 500;

export async function runThroughputPhase(service: ChildServer, withoutGroupCommit: ChildServer | null,
  options: ThroughputOptions): Promise<ThroughputFigures> {
  const senderCount = Math.min(options.senders, options.users);
  const logInAll = async (server: ChildServer) => {
    const sessions: LoginSession[] = [];
    for (let user = 1; user <= senderCount; user += 1) sessions.push(await logIn(server.port, `user${user}`));
    return sessions;
  };
  options.log(`logging in ${senderCount} senders`);
  const sessions = await logInAll(service);
  const reader = sessions[0];
  const endpoints: Endpoint[] = [
    { name: 'history page (GET /list-messages/user2/?page_size=10)', server: service, source: historyPage(reader), expectedStatus: 200, route: 'GET /list-messages/user2/' },
    { name: 'send (POST /messages/)', server: service, source: sends(sessions, options.users), expectedStatus: 201, route: 'POST /messages/' },
  ];
  if (withoutGroupCommit) {
    endpoints.push({
      name: 'send, GROUP_COMMIT=false', server: withoutGroupCommit, source: sends(await logInAll(withoutGroupCommit), options.users),
      expectedStatus: 201, route: 'POST /messages/', ceilingOf: endpoints[1].name,
    });
  }
  endpoints.push(
    { name: 'users list (GET /users-list/)', server: service, source: usersList(reader), expectedStatus: 200, route: 'GET /users-list/' },
    { name: 'inbox (GET /conversations/)', server: service, source: inbox(reader), expectedStatus: 200, route: 'GET /conversations/' },
  );
  // Logins of users who hold no session used here, so that nothing above is disturbed.
  const storm = logins(Math.min(senderCount + 1, options.users), options.users);

  const sizes: Record<string, number> = {};
  for (const endpoint of endpoints) sizes[endpoint.route] = await probe(endpoint);
  options.log(`answer sizes: ${Object.entries(sizes).map(([route, bytes]) => `${route} ${bytes} B`).join(', ')}`);
  const ceiling = await ChildServer.start('ceiling', 'bench/ceiling-server.ts', { CEILING_ROUTES: JSON.stringify(sizes) });
  try {
    const load = (server: ChildServer, source: RequestSource, connections = options.connections, seconds = options.seconds) =>
      runLoad(server.port, source, { connections, seconds }, () => server.cpuSeconds());

    const servers = [...new Set([...endpoints.map((endpoint) => endpoint.server), ceiling])];
    // Requests still queued when a run ends are served after it: let them drain before the next one.
    const settle = async () => {
      await sleep(PAUSE_BETWEEN_RUNS_MS);
      await Promise.all(servers.map((server) => server.settle()));
    };

    options.log(`warming up: ${options.warmupSeconds} s per endpoint, service and ceiling`);
    for (const endpoint of endpoints) {
      await load(endpoint.server, endpoint.source, options.connections, options.warmupSeconds);
      if (!endpoint.ceilingOf) await load(ceiling, endpoint.source, options.connections, options.warmupSeconds);
    }
    await load(service, storm, options.stormConnections, options.warmupSeconds);
    await settle();

    const figures = endpoints.map((endpoint): EndpointFigures => ({ name: endpoint.name, service: [], ceiling: [] }));
    const stormFigures: StormFigures = { history: [], logins: [] };
    for (let round = 0; round < options.rounds; round += 1) {
      for (const [index, endpoint] of endpoints.entries()) {
        const own = figures[index];
        const runs: (() => Promise<void>)[] = [async () => {
          own.service.push(await load(endpoint.server, endpoint.source));
        }];
        if (!endpoint.ceilingOf) {
          runs.push(async () => {
            own.ceiling.push(await load(ceiling, endpoint.source));
          });
        }
        // Alternate which goes first, so that a drift of the machine's load does not favour one side.
        if ((round + index) % 2 === 1) runs.reverse();
        for (const run of runs) {
          await run();
          await settle();
        }
        const last = own.service.at(-1)!;
        options.log(`round ${round + 1}/${options.rounds}: ${endpoint.name}: ${last.rate.toFixed(0)}/s`
          + (own.ceiling.length > round ? ` (ceiling ${own.ceiling.at(-1)!.rate.toFixed(0)}/s)` : ''));
      }
      const [history, loginFigures] = await Promise.all([
        load(service, endpoints[0].source),
        load(service, storm, options.stormConnections),
      ]);
      stormFigures.history.push(history);
      stormFigures.logins.push(loginFigures);
      options.log(`round ${round + 1}/${options.rounds}: login storm: ${loginFigures.rate.toFixed(0)} logins/s, `
        + `history p99 ${history.p99.toFixed(1)} ms (idle ${figures[0].service.at(-1)!.p99.toFixed(1)} ms)`);
      await settle();
    }
    for (const [index, endpoint] of endpoints.entries()) {
      if (endpoint.ceilingOf) figures[index] = { ...figures[index], ceiling: figures.find((other) => other.name === endpoint.ceilingOf)!.ceiling };
    }
    return { endpoints: figures, storm: stormFigures };
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
