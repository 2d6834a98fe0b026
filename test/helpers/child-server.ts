import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type BuildOptions } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/database.js';
import { passwordFor, type TestClient } from './client.js';
import { createTestDatabase, type DatabaseKind, whileNoSchemaIsDropped } from './databases.js';

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** `src/server.ts` running in a process of its own, as in production. */
export interface ChildServer {
  readonly url: string;
  readonly process: ChildProcess;
  /** Settles when the process ends. */
  readonly exited: Promise<Exit>;
  /** Everything it wrote to stdout and stderr so far (JSON log lines at LOG_LEVEL). */
  output(): string;
}

/** A fresh database for child servers, and a handle on it for the test to look inside. */
export interface ChildDatabase {
  readonly kind: DatabaseKind;
  /** DATABASE_URL for the child: the SQLite file, or PostgreSQL with the schema and `application_name` in the URL. */
  readonly url: string;
  readonly applicationName: string;
  /** PostgreSQL: the schema of this database. */
  readonly schema?: string;
  readonly database: Database;
  /** Starts `src/server.ts` on this database. */
  start(env?: Record<string, string>): Promise<ChildServer>;
  /** The app in this process, opening the database from `url` itself as the server does (not sharing `database`). */
  openApp(env?: Record<string, string>, logger?: BuildOptions['logger']): Promise<FastifyInstance>;
}

/**
 * A fresh database (a SQLite file, or a PostgreSQL schema of its own) for servers run as child
 * processes. When the test ends, the children still running are killed before the database is dropped.
 */
export async function createChildDatabase(t: TestContext, kind: DatabaseKind, applicationName = 'messaging-child'): Promise<ChildDatabase> {
  const testDatabase = await createTestDatabase(kind);
  const children: ChildServer[] = [];
  const apps: FastifyInstance[] = [];
  t.after(async () => {
    for (const child of children) {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
      await child.exited;
    }
    for (const app of apps) await app.close();
    await testDatabase.drop();
  });
  let url = testDatabase.url;
  if (kind === 'postgres') {
    const withSchema = new URL(testDatabase.url);
    withSchema.searchParams.set('options', `-c search_path=${testDatabase.searchPath}`);
    withSchema.searchParams.set('application_name', applicationName);
    url = withSchema.toString();
  }
  return {
    kind, url, applicationName, schema: testDatabase.searchPath, database: testDatabase.database,
    async start(env = {}) {
      // The server migrates as it starts, which reads the catalog of every schema: see whileNoSchemaIsDropped.
      return whileNoSchemaIsDropped(kind, () => startChildServer(t, { ...env, DATABASE_URL: url }, (child) => children.push(child)));
    },
    async openApp(env = {}, logger = false) {
      const config = loadConfig({ SECRET_KEY: 'child-secret-key', RATE_LIMITS: 'off', ...env, DATABASE_URL: url });
      const app = await whileNoSchemaIsDropped(kind, () => buildApp(config, { logger, checkResponses: true }));
      apps.push(app);
      return app;
    },
  };
}

/** A port nobody listens on right now (the kernel's choice), for a child that must be told its port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Starts the server with `env` over a quiet default environment (no Redis unless given, no rate
 * limits, logs at warn), waits until it answers HTTP, and kills it when the test ends if it is
 * still running.
 */
export async function startChildServer(t: TestContext, env: Record<string, string>,
  onSpawn: (server: ChildServer) => void = () => {}): Promise<ChildServer> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env, REDIS_URL: '', SECRET_KEY: 'child-secret-key', LOG_LEVEL: 'warn', RATE_LIMITS: 'off',
    ...env, HOST: '127.0.0.1', PORT: String(port),
  };
  // The test runner marks its own subprocesses with this; the server is not one of them.
  delete childEnv.NODE_TEST_CONTEXT;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  const server: ChildServer = { url: `http://127.0.0.1:${port}`, process: child, exited, output: () => output };
  onSpawn(server);
  const started = Date.now();
  let gone = false;
  void exited.then(() => { gone = true; });
  for (;;) {
    if (gone) throw new Error(`the server exited while starting:\n${output}`);
    if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`the server did not answer within ${READY_TIMEOUT_MS} ms:\n${output}`);
    try {
      await httpRequest(server.url, 'GET', '/me/', { agent: false });
      return server;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** A keep-alive agent to share connections, or false for a connection of its own. */
  agent?: Agent | false;
}

/**
 * One HTTP request over node:http. It rejects with the socket's error (ECONNREFUSED, ECONNRESET,
 * "socket hang up") when no answer came, so that a caller can tell a refusal from an answer.
 */
export function httpRequest(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method, headers, agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A logged-in user of a child server: its cookies and CSRF token, sent with every request. */
export class HttpSession {
  /** The `Cookie` header: the session and CSRF cookies set at login. */
  cookies = '';
  private csrfToken = '';

  constructor(readonly baseUrl: string, readonly agent: Agent | false = false) {}

  async login(username: string): Promise<void> {
    const res = await httpRequest(this.baseUrl, 'POST', '/login/', { body: { username, password: passwordFor(username) }, agent: this.agent });
    if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${res.body}`);
    this.csrfToken = JSON.parse(res.body).csrf_token;
    this.cookies = (res.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';', 1)[0]).join('; ');
  }

  request(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    return httpRequest(this.baseUrl, method, path, {
      body, agent: this.agent, headers: { cookie: this.cookies, 'x-csrftoken': this.csrfToken },
    });
  }
}

/** Registers `username` over HTTP and logs it in. */
export async function signUpOver(baseUrl: string, username: string, agent: Agent | false = false): Promise<HttpSession> {
  const res = await httpRequest(baseUrl, 'POST', '/register/', {
    body: { username, email: `${username}@example.com`, password: passwordFor(username) },
  });
  if (res.status !== 201) throw new Error(`register ${username}: ${res.status} ${res.body}`);
  const session = new HttpSession(baseUrl, agent);
  await session.login(username);
  return session;
}

export interface HistoryMessage {
  id: number;
  content: string;
  sender_username: string;
}

/** Every message of the client's conversation with `peer`, oldest first: the first page, then by id. */
export async function readHistory(client: TestClient, peer: string): Promise<HistoryMessage[]> {
  const messages: HistoryMessage[] = [];
  let path = `/list-messages/${peer}/?page=1&page_size=100`;
  for (;;) {
    const res = await client.get(path);
    if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
    const page = res.json() as { results: HistoryMessage[]; has_newer?: boolean; next?: string | null };
    messages.push(...page.results);
    const more = page.has_newer ?? page.next !== null;
    if (!more || page.results.length === 0) return messages;
    path = `/list-messages/${peer}/?after=${page.results[page.results.length - 1].id}&limit=100`;
  }
}
