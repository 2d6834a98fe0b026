/**
 * One instance against two sharing the database, as "Using both cores" in docs/performance.md runs them: the
 * history page, the users list and sends, with the same connections either all on one instance or split evenly over
 * both. In turns, round after round, like the throughput phase.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildServer } from './child-server.js';
import { historyPage, sends, usersList } from './endpoints.js';
import { type LoadFigures, type LoadOptions, type RequestSource, runLoad } from './http-load.js';
import { type LoginSession, logIn } from './login-session.js';

export interface InstancesOptions extends LoadOptions {
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly senders: number;
  readonly users: number;
  readonly log: (line: string) => void;
}

export interface InstancesFigures {
  readonly name: string;
  /** One per round. */
  readonly one: LoadFigures[];
  readonly two: LoadFigures[];
}

const PAUSE_BETWEEN_RUNS_MS = 500;

export async function runInstancesPhase(first: ChildServer, second: ChildServer, options: InstancesOptions): Promise<InstancesFigures[]> {
  const senderCount = Math.max(2, Math.min(options.senders, options.users));
  options.log(`logging in ${senderCount} senders`);
  // Sessions live in the shared database, so each works on either instance.
  const sessions: LoginSession[] = [];
  for (let user = 1; user <= senderCount; user += 1) sessions.push(await logIn(first.port, `user${user}`));
  const half = Math.ceil(senderCount / 2);
  const workloads: { name: string; one: RequestSource; two: [RequestSource, RequestSource] }[] = [
    { name: 'history page', one: historyPage(sessions[0]), two: [historyPage(sessions[0]), historyPage(sessions[0])] },
    { name: 'users list', one: usersList(sessions[0]), two: [usersList(sessions[0]), usersList(sessions[0])] },
    {
      name: 'send',
      one: sends(sessions, options.users),
      two: [sends(sessions.slice(0, half), options.users), sends(sessions.slice(half), options.users)],
    },
  ];

  const onOne = (source: RequestSource, seconds = options.seconds) =>
    runLoad(first.port, source, { connections: options.connections, seconds }, () => first.cpuSeconds());
  const onTwo = async ([a, b]: [RequestSource, RequestSource], seconds = options.seconds) => combined(await Promise.all([
    runLoad(first.port, a, { connections: Math.ceil(options.connections / 2), seconds }, () => first.cpuSeconds()),
    runLoad(second.port, b, { connections: Math.floor(options.connections / 2), seconds }, () => second.cpuSeconds()),
  ]));
  const settle = async () => {
    await sleep(PAUSE_BETWEEN_RUNS_MS);
    await Promise.all([first.settle(), second.settle()]);
  };

  options.log(`warming up: ${options.warmupSeconds} s per workload, one and two instances`);
  for (const workload of workloads) {
    await onOne(workload.one, options.warmupSeconds);
    await onTwo(workload.two, options.warmupSeconds);
  }
  await settle();

  const figures = workloads.map((workload): InstancesFigures => ({ name: workload.name, one: [], two: [] }));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [index, workload] of workloads.entries()) {
      const runs = [
        async () => figures[index].one.push(await onOne(workload.one)),
        async () => figures[index].two.push(await onTwo(workload.two)),
      ];
      if ((round + index) % 2 === 1) runs.reverse();
      for (const run of runs) {
        await run();
        await settle();
      }
      const last = (list: LoadFigures[]) => list[list.length - 1].rate.toFixed(0);
      options.log(`round ${round + 1}: ${workload.name}: one instance ${last(figures[index].one)}/s, two ${last(figures[index].two)}/s`);
    }
  }
  return figures;
}

/**
 * Two simultaneous runs as one: rates, answers and CPU add up; the latency percentiles are the worse
 * of the two (each instance served half the connections, so neither percentile is the whole's).
 */
function combined([a, b]: LoadFigures[]): LoadFigures {
  const failures: Record<string, number> = { ...a.failures };
  for (const [key, count] of Object.entries(b.failures)) failures[key] = (failures[key] ?? 0) + count;
  return {
    rate: a.rate + b.rate,
    p50: Math.max(a.p50, b.p50),
    p99: Math.max(a.p99, b.p99),
    ok: a.ok + b.ok,
    failures,
    serverCores: a.serverCores + b.serverCores,
  };
}
