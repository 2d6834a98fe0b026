/**
 * WebSocket benchmark: `npm run bench:ws [-- --sockets N --rate R --seconds S ...]`.
 *
 * 1. Idle memory per open socket: one instance in a child process on a fresh SQLite file; N sockets
 *    (API tokens, spread over a few users) opened in batches from this process; the child's RSS and
 *    heap after a full GC, before and after, divided by N.
 * 2. Send-to-receive latency across two instances sharing the database and Redis: senders POST
 *    /messages/ to instance A at a fixed rate (open loop, keep-alive HTTP), receivers listen on sockets
 *    to instance B; for each message, (message.created arrived on B's socket) − (POST started). Without
 *    a reachable Redis, one instance on the in-process bus instead, and labelled so.
 *
 * Everything runs on loopback and the run is bounded in time (--timeout). It prints figures and
 * asserts nothing. Every child process is killed at the end and on errors.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { HttpClient } from './http.js';
import { Instance, killAllInstances, type MemoryReport, type StatsReport } from './instance.js';

/** The subprotocol of src/plugins/realtime.ts (not imported, to keep the load generator light). */
const WS_PROTOCOL = 'messaging.v1';
const PASSWORD = 'bench passphrase 4 sockets';
const SECRET_KEY = randomBytes(32).toString('base64url');
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** The advisory lock the test suite takes around migrations (shared) and schema drops (exclusive). */
const SCHEMA_LOCK = 7_270_001;
/** How long the latency run warms up, at half its rate, before it counts. */
const WARM_UP_SECONDS = 5;

const { values: args } = parseArgs({
  options: {
    sockets: { type: 'string', default: '10000' },
    batch: { type: 'string', default: '250' },
    'idle-users': { type: 'string', default: '20' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '10' },
    senders: { type: 'string', default: '50' },
    receivers: { type: 'string', default: '50' },
    'http-connections': { type: 'string', default: '64' },
    'sqlite-dir': { type: 'string', default: os.tmpdir() },
    'cpu-prof': { type: 'string' },
    only: { type: 'string', default: 'all' },
    'log-level': { type: 'string', default: 'warn' },
    timeout: { type: 'string', default: '300' },
    help: { type: 'boolean', default: false },
  },
});

if (args.help) {
  console.log(`npm run bench:ws -- [options]
  --sockets N           idle sockets for the memory figure (10000)
  --batch N             handshakes in flight at once while opening them (250)
  --idle-users N        users the idle sockets are spread over (20)
  --rate R              messages per second for the latency figure (1000)
  --seconds S           how long to send at that rate (10)
  --senders N           users sending (50), --receivers N users receiving (50)
  --http-connections N  keep-alive connections to instance A (64)
  --sqlite-dir DIR      where the temporary SQLite files go (${os.tmpdir()}); on a tmpfs such as
                        /dev/shm fsync costs nothing, which takes the disk out of the latency figure
  --only memory|latency run one part only (both)
  --cpu-prof DIR        write V8 CPU profiles of the latency instances to DIR (open in Chrome DevTools)
  --log-level L         LOG_LEVEL of the instances (warn: request logs off)
  --timeout S           stop everything after S seconds (300)
Environment: DATABASE_URL=postgres://... runs the latency part on PostgreSQL (a schema of its own,
dropped afterwards; the memory part always uses a temporary SQLite file); REDIS_URL (default
redis://127.0.0.1:6379). Both must be on loopback.`);
  process.exit(0);
}

function integer(name: keyof typeof args, min: number): number {
  const value = Number(args[name]);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number >= ${min}`);
  return value;
}

const options = {
  sockets: integer('sockets', 1),
  batch: integer('batch', 1),
  idleUsers: integer('idle-users', 1),
  rate: integer('rate', 1),
  seconds: integer('seconds', 1),
  senders: integer('senders', 1),
  receivers: integer('receivers', 1),
  httpConnections: integer('http-connections', 1),
  only: args.only as string,
  sqliteDir: args['sqlite-dir'] as string,
  cpuProfDir: args['cpu-prof'],
  logLevel: args['log-level'] as string,
  timeoutS: integer('timeout', 10),
};
if (!['all', 'memory', 'latency'].includes(options.only)) throw new Error('--only must be memory or latency');

// ---------------------------------------------------------------------------------------------- cleanup

const temporaryFolders: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

function removeTemporaryFolders(): void {
  for (const folder of temporaryFolders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

/** Kills the instances, removes what the run created (a PostgreSQL schema: for at most 3 s) and exits. */
let finishing = false;
async function finish(code: number, reason?: string): Promise<never> {
  if (finishing) return new Promise<never>(() => {});
  finishing = true;
  clearTimeout(deadline);
  if (reason) console.error(`\nbench:ws aborted: ${reason}`);
  if (code !== 0) killAllInstances();
  removeTemporaryFolders();
  const pending = cleanups.splice(0).map((cleanup) => cleanup().catch((error: unknown) => console.error(`cleanup failed: ${String(error)}`)));
  await Promise.race([Promise.all(pending), sleep(3000)]);
  process.exit(code);
}

process.on('exit', () => killAllInstances());
process.on('SIGINT', () => void finish(130, 'interrupted'));
process.on('SIGTERM', () => void finish(143, 'terminated'));
const deadline = setTimeout(() => void finish(1, `time bound of ${options.timeoutS} s exceeded`), options.timeoutS * 1000);

// ---------------------------------------------------------------------------------------------- helpers

function log(line: string): void {
  console.log(`· ${line}`);
}

function temporarySqliteUrl(): string {
  const folder = mkdtempSync(join(options.sqliteDir, 'bench-ws-'));
  temporaryFolders.push(folder);
  return `sqlite:${join(folder, 'db.sqlite3')}`;
}

function assertLoopback(url: string, variable: string): void {
  const host = new URL(url).hostname;
  if (!LOOPBACK.has(host)) throw new Error(`${variable} must point at 127.0.0.1 (the benchmark stays on loopback), got host ${host}`);
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const kb = (bytes: number) => bytes / 1024;
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

interface BenchUser {
  username: string;
  token: string;
}

/** Registers `count` users and gets an API token for each, a few at a time (argon2 is slow on purpose). */
async function registerUsers(http: HttpClient, prefix: string, count: number): Promise<BenchUser[]> {
  const users: BenchUser[] = [];
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  for (let i = 0; i < names.length; i += 4) {
    users.push(...await Promise.all(names.slice(i, i + 4).map(async (username) => {
      await http.json('POST', '/register/', { username, email: `${username}@bench.invalid`, password: PASSWORD }, 201);
      const { token } = await http.json<{ token: string }>('POST', '/tokens/', { username, password: PASSWORD }, 201);
      return { username, token };
    })));
  }
  return users;
}

function openSocket(port: number, token: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws/`, [WS_PROTOCOL, `token.${token}`], {
      perMessageDeflate: false,
      handshakeTimeout: 20_000,
    });
    socket.once('open', () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------- 1. memory

interface MemoryResult {
  sockets: number;
  failed: number;
  openSeconds: number;
  before: MemoryReport;
  after: MemoryReport;
}

async function measureIdleMemory(): Promise<MemoryResult> {
  log(`memory: starting one instance (SQLite in ${options.sqliteDir}, in-process bus)`);
  // The idle sockets are spread over a few users, hundreds each: past the per-user limit a real client keeps to.
  const instance = await Instance.start('idle', {
    DATABASE_URL: temporarySqliteUrl(), SECRET_KEY, REDIS_URL: '', LOG_LEVEL: options.logLevel, WS_MAX_SOCKETS_PER_USER: '10000',
  });
  const http = new HttpClient(instance.port, 8);
  const sockets: WebSocket[] = [];
  try {
    const users = await registerUsers(http, 'idle', options.idleUsers);
    // Warm up the handshake path (lazy modules, JIT, buffers) so that its one-off cost is not counted.
    for (const socket of await Promise.all(users.map((user) => openSocket(instance.port, user.token)))) socket.terminate();
    await waitFor('warm-up sockets to close', async () => (await instance.stats()).sockets === 0, 10_000);
    await sleep(500);
    const before = await instance.memory();
    log(`memory: before  rss ${mb(before.rss)} MB, heap used ${mb(before.heapUsed)} MB (after GC: ${before.gc})`);

    let failed = 0;
    let firstError = '';
    const started = performance.now();
    for (let i = 0; i < options.sockets; i += options.batch) {
      const batch = Array.from({ length: Math.min(options.batch, options.sockets - i) }, (_, j) => users[(i + j) % users.length]);
      for (const result of await Promise.allSettled(batch.map((user) => openSocket(instance.port, user.token)))) {
        if (result.status === 'fulfilled') {
          sockets.push(result.value);
        } else {
          failed += 1;
          firstError ||= String(result.reason);
        }
      }
      if ((i / options.batch) % 10 === 9) log(`memory: ${sockets.length} sockets open`);
    }
    const openSeconds = (performance.now() - started) / 1000;
    log(`memory: ${sockets.length} open, ${failed} failed${firstError ? ` (first: ${firstError})` : ''}, in ${openSeconds.toFixed(1)} s`);

    await waitFor('the server to count every socket', async () => (await instance.stats()).sockets === sockets.length, 30_000);
    await sleep(2000);
    const after = await instance.memory();
    log(`memory: after   rss ${mb(after.rss)} MB, heap used ${mb(after.heapUsed)} MB, ${after.sockets} sockets on the server`);
    return { sockets: after.sockets, failed, openSeconds, before, after };
  } finally {
    for (const socket of sockets) socket.terminate();
    http.close();
    await instance.stop();
  }
}

// ---------------------------------------------------------------------------------------------- 2. latency

interface LatencyResult {
  mode: string;
  database: string;
  attempted: number;
  ok: number;
  failedPosts: number;
  firstFailure: string;
  sendRate: number;
  okRate: number;
  received: number;
  missed: number;
  duplicates: number;
  foreign: number;
  latency: number[];
  http: number[];
  /** Event arrival − POST answer, per message: the fan-out after the send was acknowledged (can be negative). */
  afterAnswer: number[];
  scheduleLagMax: number;
  stats: { name: string; stats: StatsReport }[];
  generatorElu: number;
}

async function redisReachable(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function measureLatency(): Promise<LatencyResult> {
  const redisUrl = process.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379';
  assertLoopback(redisUrl, 'REDIS_URL');
  const useRedis = await redisReachable(redisUrl);
  if (!useRedis) log(`latency: Redis is unreachable at ${redisUrl}: measuring ONE instance on the in-process bus instead`);

  // A channel prefix of its own, so that other deployments or runs sharing this Redis are not disturbed.
  const env: Record<string, string> = {
    SECRET_KEY, LOG_LEVEL: options.logLevel, REDIS_URL: useRedis ? redisUrl : '', REDIS_PREFIX: `bench-ws-${randomBytes(4).toString('hex')}:`,
  };
  const postgresUrl = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : null;
  let database: string;
  let admin: pg.Client | null = null;
  if (postgresUrl) {
    assertLoopback(postgresUrl, 'DATABASE_URL');
    const schema = `bench_ws_${randomBytes(4).toString('hex')}`;
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    // Kysely's migrator reads the catalog of every schema, and fails when another process (the test
    // suite) drops its schema meanwhile: hold the suite's lock (test/helpers/databases.ts) shared while
    // the instances migrate, and exclusively to drop ours.
    await admin.query('select pg_advisory_lock_shared($1)', [SCHEMA_LOCK]);
    cleanups.push(async () => {
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [SCHEMA_LOCK]);
        await client.query(`drop schema ${schema} cascade`);
      } finally {
        await client.end();
      }
    });
    Object.assign(env, { DATABASE_URL: postgresUrl, BENCH_PG_SCHEMA: schema });
    database = `PostgreSQL (schema ${schema})`;
  } else {
    env.DATABASE_URL = temporarySqliteUrl();
    database = `SQLite (one file in ${options.sqliteDir}, WAL, synchronous=FULL)`;
  }

  log(`latency: starting ${useRedis ? 'instances A and B' : 'one instance'} on ${database}`);
  // One after the other: each runs the migrations at start.
  const nodeArgs = options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : [];
  const startInstances = async (): Promise<[Instance, Instance]> => {
    const first = await Instance.start('A', env, nodeArgs);
    return [first, useRedis ? await Instance.start('B', env, nodeArgs) : first];
  };
  // Ending the admin session releases its shared lock.
  const [a, b] = await startInstances().finally(() => admin?.end());
  const httpA = new HttpClient(a.port, options.httpConnections);
  const sockets: WebSocket[] = [];
  try {
    const senders = await registerUsers(httpA, 'sender', options.senders);
    const receivers = await registerUsers(httpA, 'receiver', options.receivers);

    const run = randomBytes(3).toString('hex');
    const pattern = new RegExp(`^bench ${run} (w|m)(\\d+)$`);
    const total = options.rate * options.seconds;
    const startedAt = new Float64Array(total);
    const receivedAt = new Float64Array(total);
    const respondedAt = new Float64Array(total);
    const statusOf = new Int16Array(total);
    let duplicates = 0;
    let foreign = 0;
    let warmReceived = 0;

    for (const receiver of receivers) {
      const socket = await openSocket(b.port, receiver.token);
      socket.on('message', (data) => {
        const at = performance.now();
        const event = JSON.parse(data.toString()) as { type: string; message?: { content?: string } };
        if (event.type !== 'message.created') return;
        const match = pattern.exec(event.message?.content ?? '');
        if (!match) {
          foreign += 1; // an event of another run or deployment sharing this Redis
          return;
        }
        if (match[1] === 'w') {
          warmReceived += 1;
          return;
        }
        const seq = Number(match[2]);
        if (receivedAt[seq] !== 0) duplicates += 1;
        else receivedAt[seq] = at;
      });
      sockets.push(socket);
    }
    log(`latency: ${senders.length} senders → A :${a.port}, ${receivers.length} receivers' sockets on ${useRedis ? 'B' : 'A'} :${b.port}`);

    const pair = (i: number) => ({
      sender: senders[i % senders.length],
      receiver: receivers[(i + Math.floor(i / senders.length)) % receivers.length],
    });
    const post = (i: number, content: string) => {
      const { sender, receiver } = pair(i);
      return httpA.request('POST', '/messages/', { recipient: receiver.username, content }, { Authorization: `Token ${sender.token}` });
    };

    // Warm-up, not counted: five seconds at half the rate, for the connections, JIT, the database's caches
    // and the subscriptions of B. It writes in the pairs of its first half-second only, so that the counted
    // run still starts new conversations as it goes on.
    const warmPairs = Math.min(total, Math.max(200, Math.floor(options.rate / 2)));
    const warmCount = warmPairs * WARM_UP_SECONDS;
    const warmResults = await sendAtRate(warmCount, options.rate / 2, (i) => post(i % warmPairs, `bench ${run} w${i}`)
      .then((response) => response.status, () => -1));
    const warmOk = warmResults.filter((status) => status === 201).length;
    await waitFor('warm-up events', async () => warmReceived >= warmOk, 10_000, 50).catch(() => {});
    log(`latency: warm-up ${warmOk}/${warmCount} sent, ${warmReceived} received`);
    await sleep(500);
    await a.stats();
    if (b !== a) await b.stats();

    let firstFailure = '';
    const generatorElu = performance.eventLoopUtilization();
    const scheduleLag = { max: 0 };
    log(`latency: sending ${total} messages at ${options.rate}/s for ${options.seconds} s`);
    await sendAtRate(total, options.rate, async (i, lag) => {
      scheduleLag.max = Math.max(scheduleLag.max, lag);
      const content = `bench ${run} m${i}`;
      startedAt[i] = performance.now();
      try {
        const response = await post(i, content);
        statusOf[i] = response.status;
        if (response.status !== 201) firstFailure ||= `${response.status} ${response.body.slice(0, 200)}`;
      } catch (error) {
        statusOf[i] = -1;
        firstFailure ||= String(error);
      }
      respondedAt[i] = performance.now();
      return statusOf[i];
    });
    const generator = performance.eventLoopUtilization(generatorElu);
    const stats = [{ name: useRedis ? 'A' : 'A (alone)', stats: await a.stats() }];
    if (b !== a) stats.push({ name: 'B', stats: await b.stats() });

    const ok = Array.from(statusOf).filter((status) => status === 201).length;
    const okReceived = () => Array.from(statusOf).filter((status, i) => status === 201 && receivedAt[i] !== 0).length;
    await waitFor('the last events', async () => okReceived() === ok, 5000, 50).catch(() => {});

    const latency: number[] = [];
    const httpTimes: number[] = [];
    const afterAnswer: number[] = [];
    let lastResponse = 0;
    for (let i = 0; i < total; i += 1) {
      httpTimes.push(respondedAt[i] - startedAt[i]);
      lastResponse = Math.max(lastResponse, respondedAt[i]);
      if (statusOf[i] === 201 && receivedAt[i] !== 0) {
        latency.push(receivedAt[i] - startedAt[i]);
        afterAnswer.push(receivedAt[i] - respondedAt[i]);
      }
    }
    for (const values of [latency, httpTimes, afterAnswer]) values.sort((x, y) => x - y);
    return {
      mode: useRedis ? 'two instances, Redis pub/sub (A → Redis → B)' : 'ONE instance, in-process bus (Redis unreachable)',
      database,
      attempted: total,
      ok,
      failedPosts: total - ok,
      firstFailure,
      sendRate: ((total - 1) / (startedAt[total - 1] - startedAt[0])) * 1000,
      okRate: (ok / (lastResponse - startedAt[0])) * 1000,
      received: latency.length,
      missed: ok - latency.length,
      duplicates,
      foreign,
      latency,
      http: httpTimes,
      afterAnswer,
      scheduleLagMax: scheduleLag.max,
      stats,
      generatorElu: generator.utilization,
    };
  } finally {
    for (const socket of sockets) socket.terminate();
    httpA.close();
    await a.stop();
    if (b !== a) await b.stop();
  }
}

/**
 * Open loop: request i starts at i/rate seconds whether or not earlier ones have answered (a slow
 * server does not slow the sender down and hide its own latency). Resolves when all have answered.
 */
async function sendAtRate(count: number, rate: number, send: (i: number, lagMs: number) => Promise<number>): Promise<number[]> {
  const pending: Promise<number>[] = [];
  const start = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      const due = Math.min(count, Math.floor(((now - start) * rate) / 1000) + 1);
      while (next < due) {
        pending.push(send(next, now - (start + (next * 1000) / rate)));
        next += 1;
      }
      if (next >= count) {
        clearInterval(timer);
        resolve();
      }
    };
    const timer = setInterval(tick, 1);
    tick();
  });
  return Promise.all(pending);
}

// ---------------------------------------------------------------------------------------------- report

/** How busy the whole machine's CPUs are over one second (0..1): anything else running skews the figures. */
async function machineBusy(): Promise<number> {
  const total = () => os.cpus().reduce((sum, cpu) => {
    const t = cpu.times;
    return { busy: sum.busy + t.user + t.nice + t.sys + t.irq, all: sum.all + t.user + t.nice + t.sys + t.irq + t.idle };
  }, { busy: 0, all: 0 });
  const before = total();
  await sleep(1000);
  const after = total();
  return (after.busy - before.busy) / Math.max(1, after.all - before.all);
}

function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${mb(os.totalmem())} MB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

function printMemory(result: MemoryResult): void {
  const per = (key: 'rss' | 'heapUsed' | 'heapTotal' | 'external') => kb((result.after[key] - result.before[key]) / result.sockets);
  console.log(`\nIdle memory per open WebSocket (${result.sockets} sockets on one instance; after − before, full GC; 1 KB = 1024 B)`);
  console.log('| figure | before | after | per socket |');
  console.log('| --- | --- | --- | --- |');
  for (const [label, key] of [['RSS', 'rss'], ['heap used', 'heapUsed'], ['heap total', 'heapTotal'], ['external', 'external']] as const) {
    console.log(`| ${label} | ${mb(result.before[key])} MB | ${mb(result.after[key])} MB | ${fixed(per(key), 2)} KB |`);
  }
  console.log(`handshakes: ${result.sockets} in ${result.openSeconds.toFixed(1)} s (${fixed(result.sockets / result.openSeconds, 0)}/s, ${options.batch} in flight), ${result.failed} failed`);
}

function printLatency(result: LatencyResult): void {
  const l = result.latency;
  const h = result.http;
  console.log(`\nSend-to-receive latency: ${result.mode}, ${result.database}`);
  console.log(`| target rate | achieved send rate | 201s | p50 | p90 | p99 | max | missed |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| ${options.rate}/s × ${options.seconds} s | ${fixed(result.sendRate, 0)}/s (answered ${fixed(result.okRate, 0)}/s) | ${result.ok}/${result.attempted} `
    + `| ${fixed(percentile(l, 50))} ms | ${fixed(percentile(l, 90))} ms | ${fixed(percentile(l, 99))} ms | ${fixed(l.at(-1) ?? Number.NaN)} ms | ${result.missed} |`);
  const d = result.afterAnswer;
  console.log(`POST round trip: p50 ${fixed(percentile(h, 50))} ms, p90 ${fixed(percentile(h, 90))} ms, p99 ${fixed(percentile(h, 99))} ms, max ${fixed(h.at(-1) ?? Number.NaN)} ms`);
  console.log(`event arrival − POST answer (the fan-out; negative when the event beat the answer): `
    + `p50 ${fixed(percentile(d, 50))} ms, p99 ${fixed(percentile(d, 99))} ms, max ${fixed(d.at(-1) ?? Number.NaN)} ms`);
  console.log(`failed POSTs: ${result.failedPosts}${result.firstFailure ? ` (first: ${result.firstFailure})` : ''}; duplicate events: ${result.duplicates}; `
    + `events of other runs on this Redis: ${result.foreign}; sender's worst lag behind schedule: ${fixed(result.scheduleLagMax)} ms`);
  for (const { name, stats } of result.stats) {
    console.log(`instance ${name}: CPU ${fixed((stats.cpuMs / stats.wallMs) * 100, 0)}% of a core, event loop busy ${fixed(stats.eventLoopUtilization * 100, 0)}%, `
      + `loop delay p99 ${fixed(stats.loopDelayP99Ms)} ms, max ${fixed(stats.loopDelayMaxMs)} ms`);
  }
  console.log(`load generator (this process): event loop busy ${fixed(result.generatorElu * 100, 0)}%`);
}

async function main(): Promise<void> {
  console.log(`bench:ws on ${machine()}`);
  const busyAtStart = await machineBusy();
  if (busyAtStart > 0.1) log(`the machine is ${fixed(busyAtStart * 100, 0)}% busy before the start: something else is running, the figures will suffer`);
  let memory: MemoryResult | null = null;
  let latency: LatencyResult | null = null;
  if (options.only !== 'latency') memory = await measureIdleMemory();
  if (options.only !== 'memory') latency = await measureLatency();

  if (memory) printMemory(memory);
  if (latency) printLatency(latency);

  console.log('\nSummary');
  console.log('| measure | figure | target |');
  console.log('| --- | --- | --- |');
  if (memory) {
    const per = (key: 'rss' | 'heapUsed') => kb((memory.after[key] - memory.before[key]) / memory.sockets);
    console.log(`| idle memory per socket (${memory.sockets} sockets) | RSS ${fixed(per('rss'), 1)} KB, heap ${fixed(per('heapUsed'), 1)} KB | < 20 KB |`);
  }
  if (latency) {
    const l = latency.latency;
    console.log(`| send → receive at ${options.rate}/s (${latency.mode}) | p50 ${fixed(percentile(l, 50))} ms, p99 ${fixed(percentile(l, 99))} ms, `
      + `max ${fixed(l.at(-1) ?? Number.NaN)} ms, ${fixed(latency.sendRate, 0)} msg/s sent, ${latency.missed} missed | p99 < 50 ms |`);
  }
  const busyAtEnd = await machineBusy();
  console.log(`machine: ${machine()}; CPUs busy (everything else) ${fixed(busyAtStart * 100, 0)}% before, ${fixed(busyAtEnd * 100, 0)}% after`);
}

main().then(
  () => finish(0),
  (error: unknown) => {
    console.error(error);
    return finish(1, 'an error occurred');
  },
);
