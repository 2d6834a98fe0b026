/**
 * HTTP benchmark: `npm run bench [-- --seconds S --rounds R --scale ...]` (`--help` lists the options).
 *
 * On a fresh database filled by bench/fill-database.ts, the service runs as a child process
 * (src/server.ts) and is driven over loopback HTTP by autocannon: the history page, sends (with
 * GROUP_COMMIT on and off), the users list, the inbox, and the history page again during a login
 * storm. A bare node:http server answering bodies of the same sizes, in another child process, is
 * driven in turns with it: the ceiling for one Node process here. With `--scale`, the same requests
 * one at a time on a small and a large database. SQLite always; PostgreSQL too when DATABASE_URL names
 * one (a schema of its own, dropped afterwards). It prints figures and asserts nothing.
 */
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { type BenchDatabase, copySqliteDatabase, createFilledDatabase, type DatabaseKind, type FillContext } from './bench-database.js';
import { type ChildServer, killChildServers } from './child-server.js';
import { printComparison, printInstances, printScale, printThroughput } from './http-bench-report.js';
import { type InstancesFigures, runInstancesPhase } from './instances-phase.js';
import { hashUserPasswords } from './password-hashes.js';
import { runScaleCheck, type ScaleFigure } from './scale-check.js';
import { startService } from './service-process.js';
import { loadAverage, machineDescription } from './statistics.js';
import { postgresCpuSeconds } from './postgres-cpu.js';
import { type MeasuredService, runThroughputPhase, type ThroughputFigures } from './throughput-phase.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '2' },
    users: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '100000' },
    senders: { type: 'string', default: '50' },
    'storm-connections': { type: 'string', default: '50' },
    scale: { type: 'boolean', default: false },
    'scale-only': { type: 'boolean', default: false },
    'scale-small': { type: 'string', default: '10000' },
    'scale-large': { type: 'string', default: '1000000' },
    'scale-requests': { type: 'string', default: '200' },
    instances: { type: 'boolean', default: false },
    'instances-only': { type: 'boolean', default: false },
    databases: { type: 'string' },
    'sqlite-dir': { type: 'string', default: os.tmpdir() },
    'log-level': { type: 'string', default: 'warn' },
    'sqlite-exclusive': { type: 'boolean', default: false },
    timeout: { type: 'string', default: '1800' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench -- [options]
  --seconds S           length of each autocannon run (10)
  --rounds R            rounds of service and ceiling runs, taken in turns; the report gives medians (3)
  --connections N       autocannon connections (50)
  --warmup S            seconds of warm-up per endpoint before the first round (2)
  --users U             filled users (1000); --messages M filled messages (100000), a tenth user1–user2
  --senders N           users sending, each with a session of their own (50)
  --storm-connections N concurrent logins in the login storm (50)
  --scale               also the flat-cost check: a small and a large database, sequential requests
  --scale-only          only the flat-cost check
  --scale-small M, --scale-large M, --scale-requests N   its sizes (10000, 1000000) and requests each (200)
  --instances           also one instance against two sharing the database (history page, users list, sends)
  --instances-only      only that
  --databases LIST      sqlite,postgres (default: sqlite, and postgres when DATABASE_URL names one)
  --sqlite-dir DIR      where the temporary SQLite files go (${os.tmpdir()})
  --log-level L         LOG_LEVEL of the service (warn)
  --sqlite-exclusive    SQLITE_EXCLUSIVE=true for each service alone on its SQLite file (not the two instances)
  --timeout S           stop everything after S seconds (1800)
SQLite runs on temporary files whatever DATABASE_URL says; DATABASE_URL=postgres://... adds PostgreSQL
(a schema of its own, dropped afterwards). Each service start gets RATE_LIMITS=off and the in-process
bus. With the defaults and SQLite only, a run takes about six minutes on an idle machine;
--rounds 1 --seconds 5 gives a quick look.`);
  process.exit(0);
}

function wholeNumber(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}`);
  return value;
}

const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : null;
const options = {
  seconds: wholeNumber('seconds', 1),
  rounds: wholeNumber('rounds', 1),
  connections: wholeNumber('connections', 1),
  warmupSeconds: wholeNumber('warmup', 1),
  users: wholeNumber('users', 2),
  messages: wholeNumber('messages', 1),
  senders: wholeNumber('senders', 1),
  stormConnections: wholeNumber('storm-connections', 1),
  scale: (args.scale as boolean) || (args['scale-only'] as boolean),
  instances: (args.instances as boolean) || (args['instances-only'] as boolean),
  throughput: !(args['scale-only'] as boolean) && !(args['instances-only'] as boolean),
  scaleSmall: wholeNumber('scale-small', 1),
  scaleLarge: wholeNumber('scale-large', 1),
  scaleRequests: wholeNumber('scale-requests', 1),
  databases: ((args.databases as string | undefined) ?? (postgresUrl ? 'sqlite,postgres' : 'sqlite')).split(',').map((name) => name.trim()),
  sqliteDir: args['sqlite-dir'] as string,
  logLevel: args['log-level'] as string,
  sqliteExclusive: args['sqlite-exclusive'] as boolean,
  timeoutSeconds: wholeNumber('timeout', 10),
};
for (const name of options.databases) {
  if (name !== 'sqlite' && name !== 'postgres') throw new Error(`--databases: unknown database "${name}" (sqlite, postgres)`);
  if (name === 'postgres' && !postgresUrl) throw new Error('--databases postgres needs DATABASE_URL=postgres://...');
}
if (options.instances && options.connections < 2) throw new Error('--instances needs --connections 2 or more (half go to each instance)');
const kinds = options.databases as DatabaseKind[];
const LABELS: Record<DatabaseKind, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };

// ---------------------------------------------------------------------------------------------- cleanup

const databases = new Set<BenchDatabase>();
const servers = new Set<ChildServer>();

async function removeDatabase(database: BenchDatabase): Promise<void> {
  databases.delete(database);
  await database.remove();
}

let finishing = false;
async function finish(code: number, reason?: string): Promise<never> {
  if (finishing) return new Promise<never>(() => {});
  finishing = true;
  clearTimeout(deadline);
  if (reason) console.error(`\nbench aborted: ${reason}`);
  await Promise.race([Promise.all([...servers].map((server) => server.stop(2000))), sleep(3000)]);
  killChildServers();
  await Promise.race([
    Promise.all([...databases].map((database) => database.remove().catch((error: unknown) => console.error(`cleanup failed: ${String(error)}`)))),
    sleep(5000),
  ]);
  process.exit(code);
}

process.on('exit', () => killChildServers());
process.on('SIGINT', () => void finish(130, 'interrupted'));
process.on('SIGTERM', () => void finish(143, 'terminated'));
const deadline = setTimeout(() => void finish(1, `time bound of ${options.timeoutSeconds} s exceeded`), options.timeoutSeconds * 1000);

// ---------------------------------------------------------------------------------------------- phases

function log(line: string): void {
  console.log(`· ${line}`);
}

/** `shared`: another instance opens the same database, so SQLite may not be opened exclusively. */
async function started(name: string, database: BenchDatabase, groupCommit: boolean, { shared = false } = {}): Promise<ChildServer> {
  const server = await startService(name, database, {
    groupCommit, logLevel: options.logLevel, sqliteExclusive: options.sqliteExclusive && !shared,
  });
  servers.add(server);
  return server;
}

async function stopped(server: ChildServer): Promise<void> {
  await server.settle();
  servers.delete(server);
  await server.stop();
}

async function filled(kind: DatabaseKind, messages: number, context: FillContext): Promise<BenchDatabase> {
  const database = await createFilledDatabase(kind, { users: options.users, messages }, context);
  databases.add(database);
  return database;
}

/** Every database kind of the run at once, driven in turns, so that each round measures them under the same conditions. */
async function throughputOfAll(context: FillContext): Promise<ThroughputFigures[]> {
  const services: MeasuredService[] = [];
  try {
    for (const kind of kinds) {
      const database = await filled(kind, options.messages, context);
      // GROUP_COMMIT only concerns SQLite: its second service runs on a copy of the same data.
      const copy = kind === 'sqlite' ? copySqliteDatabase(database, options.sqliteDir) : null;
      if (copy) databases.add(copy);
      services.push({
        label: LABELS[kind],
        server: await started(`${kind}`, database, true),
        withoutGroupCommit: copy ? await started(`${kind}, GROUP_COMMIT=false`, copy, false) : null,
        databaseCpuSeconds: kind === 'postgres' ? postgresCpuSeconds : () => Number.NaN,
      });
    }
    return await runThroughputPhase(services, { ...options, log });
  } finally {
    for (const service of services) {
      await stopped(service.server);
      if (service.withoutGroupCommit) await stopped(service.withoutGroupCommit);
    }
    for (const database of [...databases]) await removeDatabase(database);
  }
}

async function scaleOn(kind: DatabaseKind, context: FillContext): Promise<ScaleFigure[]> {
  const small = await filled(kind, options.scaleSmall, context);
  const large = await filled(kind, options.scaleLarge, context);
  const smallServer = await started(`${kind}, ${options.scaleSmall} messages`, small, true);
  const largeServer = await started(`${kind}, ${options.scaleLarge} messages`, large, true);
  try {
    return await runScaleCheck({ database: small, server: smallServer }, { database: large, server: largeServer },
      { requests: options.scaleRequests, log: (line) => log(`${LABELS[kind]}: ${line}`) });
  } finally {
    await stopped(smallServer);
    await stopped(largeServer);
    await removeDatabase(small);
    await removeDatabase(large);
  }
}

async function instancesOn(kind: DatabaseKind, context: FillContext): Promise<InstancesFigures[]> {
  const database = await filled(kind, options.messages, context);
  const first = await started(`${kind}, instance 1 of 2`, database, true, { shared: true });
  const second = await started(`${kind}, instance 2 of 2`, database, true, { shared: true });
  try {
    return await runInstancesPhase(first, second, { ...options, log: (line) => log(`${LABELS[kind]}, two instances: ${line}`) });
  } finally {
    await stopped(first);
    await stopped(second);
    await removeDatabase(database);
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const loadAtStart = loadAverage();
  console.log(`bench on ${machineDescription()}; load average ${loadAtStart}`);

  log(`hashing ${options.users} passwords (argon2id, as the service does), once for every database of this run`);
  const hashingStarted = Date.now();
  const passwordHashes = await hashUserPasswords(options.users);
  log(`hashed in ${((Date.now() - hashingStarted) / 1000).toFixed(1)} s`);
  const context: FillContext = { sqliteDir: options.sqliteDir, postgresUrl, passwordHashes, log };

  const throughput = options.throughput ? await throughputOfAll(context) : [];
  const instances: { kind: DatabaseKind; figures: InstancesFigures[] }[] = [];
  if (options.instances) for (const kind of kinds) instances.push({ kind, figures: await instancesOn(kind, context) });
  const scale: { kind: DatabaseKind; figures: ScaleFigure[] }[] = [];
  if (options.scale) for (const kind of kinds) scale.push({ kind, figures: await scaleOn(kind, context) });

  console.log(`\n## Results (${options.users} users${options.throughput ? `; throughput on ${options.messages} messages` : ''}`
    + `${options.sqliteExclusive ? '; SQLITE_EXCLUSIVE=true but for the two instances' : ''})`);
  for (const figures of throughput) printThroughput(figures, options.rounds, options.connections, options.seconds);
  if (throughput.length === 2) printComparison(throughput[0], throughput[1], options.rounds, options.connections);
  for (const { kind, figures } of instances) {
    printInstances(LABELS[kind], figures, options.rounds, options.connections, options.seconds);
  }
  for (const { kind, figures } of scale) printScale(LABELS[kind], options.scaleSmall, options.scaleLarge, options.scaleRequests, figures);
  console.log(`\nmachine: ${machineDescription()}`);
  console.log(`load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAverage()} at the end; `
    + `run took ${((Date.now() - startedAt) / 1000).toFixed(0)} s. The load generator shares the machine with the servers.`);
}

main().then(
  () => finish(0),
  (error: unknown) => {
    console.error(error);
    return finish(1, 'an error occurred');
  },
);
