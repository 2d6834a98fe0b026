/**
 * An HTTP server in a child process (the service's src/server.ts, or the ceiling server), on a free
 * loopback port, started and stopped by the benchmark. Its output is passed through, labelled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Lines of a child's output passed through before the rest are only counted. */
const OUTPUT_LINES_SHOWN = 20;
/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;
/** `settle` samples the CPU time this often, and calls a sample with at most this much CPU quiet. */
const SETTLE_SAMPLE_MS = 250;
const SETTLE_BUSY_SECONDS = 0.02;

const running = new Set<ChildProcess>();

/** Kills every child server still running (on errors and at exit). */
export function killChildServers(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

export class ChildServer {
  private readonly exited: Promise<void>;

  private constructor(readonly name: string, private readonly child: ChildProcess, readonly port: number) {
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /**
   * Runs `script` (relative to the project root) with `node --import tsx` and this environment on top of
   * ours, with PORT set to a free port; resolves once it answers HTTP on `readyPath`.
   */
  static async start(name: string, script: string, env: Record<string, string>, readyPath = '/', timeoutMs = 60_000): Promise<ChildServer> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    child.once('exit', () => running.delete(child));
    let shown = 0;
    let hidden = 0;
    const pass = (line: string) => {
      if (line.trim() === '') return;
      if (shown < OUTPUT_LINES_SHOWN) {
        shown += 1;
        process.stderr.write(`[${name}] ${line}\n`);
      } else if (++hidden % 1000 === 1) {
        process.stderr.write(`[${name}] (${hidden} more lines of output not shown)\n`);
      }
    };
    createInterface({ input: child.stdout! }).on('line', pass);
    createInterface({ input: child.stderr! }).on('line', pass);

    const server = new ChildServer(name, child, port);
    const deadline = Date.now() + timeoutMs;
    while (!(await answers(port, readyPath))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it answered`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`${name} did not answer on port ${port} within ${timeoutMs} ms`);
      }
      await sleep(100);
    }
    return server;
  }

  /** CPU time (user + system) the process has used so far, in seconds; NaN where /proc is not there. */
  cpuSeconds(): number {
    try {
      const stat = readFileSync(`/proc/${this.child.pid}/stat`, 'utf8');
      // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return Number.NaN;
    }
  }

  /**
   * Waits until the process has stopped working through requests left over from a run (its CPU time
   * stays put), so that they do not weigh on the next measurement or on its shutdown.
   */
  async settle(maxMs = 10_000): Promise<void> {
    const until = Date.now() + maxMs;
    let last = this.cpuSeconds();
    let quietSamples = 0;
    while (quietSamples < 2 && Date.now() < until && Number.isFinite(last)) {
      await sleep(SETTLE_SAMPLE_MS);
      const now = this.cpuSeconds();
      quietSamples = now - last <= SETTLE_BUSY_SECONDS ? quietSamples + 1 : 0;
      last = now;
    }
  }

  /** SIGTERM (the service shuts down gracefully), then SIGKILL if it is still there after the timeout. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function answers(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}
