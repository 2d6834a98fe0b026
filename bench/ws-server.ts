/**
 * One instance of the service for bench/ws.ts, run as a child process:
 *   node --expose-gc --import tsx bench/ws-server.ts
 * Configured by the environment like the real server (DATABASE_URL, SECRET_KEY, REDIS_URL, LOG_LEVEL,
 * PORT=0 for an ephemeral port), plus BENCH_PG_SCHEMA: the PostgreSQL schema to work in.
 *
 * Talks to its parent in lines: it prints `BENCH {json}` on stdout (other stdout lines are the app's
 * own logs) and reads one command a line on stdin:
 *   mem    full GC (when run with --expose-gc), then process.memoryUsage() and the open socket count
 *   stats  CPU time, event-loop utilisation and event-loop delay since the previous `stats`
 *   close  closes the app and exits
 * It exits when stdin ends, so that it never outlives the benchmark.
 */
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/database.js';

function emit(message: Record<string, unknown>): void {
  process.stdout.write(`BENCH ${JSON.stringify(message)}\n`);
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const schema = process.env.BENCH_PG_SCHEMA;
  const database = schema ? openDatabase(config.databaseUrl, { searchPath: schema, poolSize: config.databasePoolSize ?? undefined }) : undefined;
  const app = await buildApp(config, database ? { database } : {});
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let lastElu = performance.eventLoopUtilization();
  let lastCpu = process.cpuUsage();
  let lastAt = performance.now();

  let closing = false;
  async function close(code: number): Promise<void> {
    if (closing) return;
    closing = true;
    const force = setTimeout(() => process.exit(code), 5000);
    force.unref();
    try {
      await app.close();
      await database?.destroy();
    } finally {
      process.exit(code);
    }
  }

  const commands = createInterface({ input: process.stdin });
  commands.on('close', () => void close(0));
  commands.on('line', (line) => {
    void (async () => {
      const command = line.trim();
      if (command === 'mem') {
        if (globalThis.gc) {
          // Twice, a turn apart: the second collects what finalizers of the first released.
          globalThis.gc();
          await nextTurn();
          globalThis.gc();
        }
        emit({ type: 'mem', gc: Boolean(globalThis.gc), sockets: app.websocketServer.clients.size, ...process.memoryUsage() });
      } else if (command === 'stats') {
        const now = performance.now();
        const elu = performance.eventLoopUtilization(lastElu);
        const cpu = process.cpuUsage(lastCpu);
        emit({
          type: 'stats',
          wallMs: now - lastAt,
          cpuMs: (cpu.user + cpu.system) / 1000,
          eventLoopUtilization: elu.utilization,
          loopDelayP99Ms: delay.percentile(99) / 1e6,
          loopDelayMaxMs: delay.max / 1e6,
          sockets: app.websocketServer.clients.size,
        });
        lastElu = performance.eventLoopUtilization();
        lastCpu = process.cpuUsage();
        lastAt = now;
        delay.reset();
      } else if (command === 'close') {
        await close(0);
      }
    })().catch((error: unknown) => {
      console.error(error);
      void close(1);
    });
  });
  process.on('SIGTERM', () => void close(0));
  process.on('SIGINT', () => void close(0));

  emit({ type: 'listening', port: address.port, pid: process.pid });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
