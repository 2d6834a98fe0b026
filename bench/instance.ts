/** Starts bench/ws-server.ts as a child process and talks to it (see that file for the protocol). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVER = fileURLToPath(new URL('./ws-server.ts', import.meta.url));

const live = new Set<ChildProcess>();

/** Kills every child still running, at once (used on errors and at exit). */
export function killAllInstances(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export interface MemoryReport {
  gc: boolean;
  sockets: number;
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface StatsReport {
  wallMs: number;
  cpuMs: number;
  eventLoopUtilization: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  sockets: number;
}

type Message = { type: string } & Record<string, unknown>;

export class Instance {
  private waiters: { type: string; resolve: (message: Message) => void }[] = [];
  private exited: Promise<number | null>;

  private constructor(readonly name: string, private readonly child: ChildProcess, readonly port: number) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /**
   * Spawns an instance with this environment (on top of ours) and extra node flags, and waits until it
   * listens. Rate limits are off: the load comes from a few users on one address, far above them.
   */
  static async start(name: string, env: Record<string, string>, nodeArgs: readonly string[] = [], timeoutMs = 30_000): Promise<Instance> {
    const child = spawn(process.execPath, ['--expose-gc', ...nodeArgs, '--import', 'tsx', SERVER], {
      cwd: ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', RATE_LIMITS: 'off', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));

    const handlers: ((message: Message) => void)[] = [];
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('BENCH ')) {
        const message = JSON.parse(line.slice('BENCH '.length)) as Message;
        for (const handler of handlers) handler(message);
      } else if (line.trim() !== '') {
        process.stderr.write(`[${name}] ${line}\n`);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) => process.stderr.write(`[${name}] ${line}\n`));

    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within ${timeoutMs} ms`)), timeoutMs);
      child.once('exit', (code) => reject(new Error(`${name} exited with code ${code} before listening`)));
      handlers.push((message) => {
        if (message.type === 'listening') {
          clearTimeout(timer);
          resolve(message.port as number);
        }
      });
    }).catch((error: unknown) => {
      child.kill('SIGKILL');
      throw error;
    });

    const instance = new Instance(name, child, port);
    handlers.push((message) => {
      const index = instance.waiters.findIndex((waiter) => waiter.type === message.type);
      if (index >= 0) instance.waiters.splice(index, 1)[0].resolve(message);
    });
    return instance;
  }

  get pid(): number {
    return this.child.pid!;
  }

  private ask(command: string, timeoutMs = 30_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not answer "${command}" within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ type: command, resolve: (message) => {
        clearTimeout(timer);
        resolve(message);
      } });
      this.child.stdin!.write(`${command}\n`);
    });
  }

  /** Memory after a full garbage collection in the child. */
  async memory(): Promise<MemoryReport> {
    return (await this.ask('mem')) as unknown as MemoryReport;
  }

  /** CPU and event-loop figures since the previous call. */
  async stats(): Promise<StatsReport> {
    return (await this.ask('stats')) as unknown as StatsReport;
  }

  /** Closes the app; kills the process if it has not exited within the timeout. */
  async stop(timeoutMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin!.write('close\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
