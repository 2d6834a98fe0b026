import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { type ChildServer, createChildDatabase, freePort, startChildServer } from '../helpers/child-server.js';
import { testRedisUrl, whileNoSchemaIsDropped } from '../helpers/databases.js';
import { tcpProxy } from '../helpers/tcp-proxy.js';

interface Ended {
  code: number | null;
  output: string;
}

/** Starts `src/server.ts` with `env` and waits for it to exit on its own (it must, within 20 s). */
function startExpectingExit(env: Record<string, string>): Promise<Ended> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env, REDIS_URL: '', SECRET_KEY: 'start-up-secret', LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...env,
    };
    delete childEnv.NODE_TEST_CONTEXT;
    execFile(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: childEnv, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: stdout + stderr });
    });
  });
}

function temporaryFolder(t: TestContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'start-up-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

/** One line of output, no stack frame. */
function assertOneClearLine(output: string, pattern: RegExp): void {
  const lines = output.trim().split('\n').filter((line) => !line.startsWith('{'));
  assert.equal(lines.length, 1, output);
  assert.match(lines[0], pattern);
  assert.doesNotMatch(output, /^\s+at /m, 'no stack trace');
}

describe('start-up failures are one line naming what to fix', () => {
  test('a bad setting exits 2', async () => {
    const ended = await startExpectingExit({ PORT: 'eighty' });
    assert.equal(ended.code, 2);
    assertOneClearLine(ended.output, /^Configuration error: PORT must be a whole number, got "eighty"$/);
  });

  test('a SQLite path below a file exits 2 and names the secret key, or the database when SECRET_KEY is set', async (t) => {
    const file = join(temporaryFolder(t), 'a-file');
    writeFileSync(file, 'not a folder');
    const withoutKey = await startExpectingExit({ DATABASE_URL: `sqlite:${file}/db.sqlite3`, SECRET_KEY: '' });
    assert.equal(withoutKey.code, 2);
    assertOneClearLine(withoutKey.output, /^Configuration error: cannot read or make the secret key .*a-file\/secret_key \(a part of the path is a file, not a folder\)/);
    const withKey = await startExpectingExit({ DATABASE_URL: `sqlite:${file}/db.sqlite3` });
    assert.equal(withKey.code, 2);
    assertOneClearLine(withKey.output, /^Configuration error: DATABASE_URL: cannot open the SQLite database .*a-file\/db\.sqlite3 \(a part of the path is a file, not a folder\)/);
  });

  test('a SQLite path where no file can be made (under /proc) exits 2 at once', async () => {
    const ended = await startExpectingExit({ DATABASE_URL: 'sqlite:/proc/self/db.sqlite3' });
    assert.equal(ended.code, 2);
    assertOneClearLine(ended.output, /^Configuration error: DATABASE_URL: cannot open the SQLite database \/proc\/self\/db\.sqlite3 \(/);
  });

  test('a file that is not a SQLite database exits 2', async (t) => {
    const file = join(temporaryFolder(t), 'notes.txt');
    writeFileSync(file, 'x'.repeat(4096));
    const ended = await startExpectingExit({ DATABASE_URL: `sqlite:${file}` });
    assert.equal(ended.code, 2);
    assertOneClearLine(ended.output, /^Configuration error: DATABASE_URL: cannot open the SQLite database .*notes\.txt \(the file is not an SQLite database\)/);
  });

  test('a PostgreSQL that never answers is waited for, then exits 1', async () => {
    const port = await freePort();
    const ended = await startExpectingExit({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/test`, STARTUP_WAIT_SECONDS: '1' });
    assert.equal(ended.code, 1);
    assert.match(ended.output, new RegExp(`"msg":"waiting for PostgreSQL at 127\\.0\\.0\\.1:${port} \\(connect ECONNREFUSED`));
    assertOneClearLine(ended.output, new RegExp(`^Could not start: PostgreSQL at 127\\.0\\.0\\.1:${port} did not answer within 1 s \\(connect ECONNREFUSED .*\\)\\. Start it, or correct DATABASE_URL`));
  });

  test('a Redis that never answers is waited for, then exits 1', async () => {
    const port = await freePort();
    const ended = await startExpectingExit({ REDIS_URL: `redis://127.0.0.1:${port}`, STARTUP_WAIT_SECONDS: '1' });
    assert.equal(ended.code, 1);
    assert.match(ended.output, /"msg":"waiting for Redis at/);
    assertOneClearLine(ended.output, new RegExp(`^Could not start: Redis at 127\\.0\\.0\\.1:${port} did not answer within 1 s \\(connect ECONNREFUSED .*\\)\\. Start it, or correct REDIS_URL`));
  });
});

const postgresUrl = process.env.TEST_DATABASE_URL?.trim() || null;
const redisUrl = testRedisUrl();

describe('start-up waits for services that come up late', { skip: postgresUrl === null ? 'TEST_DATABASE_URL is not set' : false }, () => {
  test('PostgreSQL refusing the role exits 2 at once', async () => {
    const url = new URL(postgresUrl!);
    url.username = 'no_such_role_here';
    const ended = await startExpectingExit({ DATABASE_URL: url.toString(), STARTUP_WAIT_SECONDS: '20' });
    assert.equal(ended.code, 2);
    assertOneClearLine(ended.output, /^Configuration error: DATABASE_URL: PostgreSQL at .* refused the connection: .*no_such_role_here/);
  });

  test('PostgreSQL and Redis that start after the service: it logs that it waits, then serves', async (t) => {
    const childDatabase = await createChildDatabase(t, 'postgres', 'messaging-late-start');
    const database = new URL(childDatabase.url);
    const redis = new URL(redisUrl!);
    const databaseProxy = await tcpProxy(t, { host: database.hostname, port: Number(database.port || 5432) });
    const redisProxy = await tcpProxy(t, { host: redis.hostname, port: Number(redis.port || 6379) });
    database.host = `127.0.0.1:${databaseProxy.port}`;
    redis.host = `127.0.0.1:${redisProxy.port}`;
    // Each comes up once the server has said that it waits for it.
    const brought = new Set<string>();
    const bringUpWhenAwaited = (child: ChildServer) => {
      const watch = setInterval(() => {
        for (const [name, proxy] of [['PostgreSQL', databaseProxy], ['Redis', redisProxy]] as const) {
          if (!brought.has(name) && child.output().includes(`waiting for ${name} at`)) {
            brought.add(name);
            void proxy.up();
          }
        }
        if (brought.size === 2) clearInterval(watch);
      }, 50);
      t.after(() => clearInterval(watch));
    };
    const server = await whileNoSchemaIsDropped('postgres', () => startChildServer(t, {
      DATABASE_URL: database.toString(), REDIS_URL: redis.toString(), REDIS_PREFIX: `start-up-${process.pid}:`, STARTUP_WAIT_SECONDS: '20',
    }, bringUpWhenAwaited));
    assert.deepEqual([...brought], ['PostgreSQL', 'Redis']);
    assert.match(server.output(), /"msg":"waiting for PostgreSQL at 127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
    assert.match(server.output(), /"msg":"waiting for Redis at 127\.0\.0\.1:\d+ \(connect ECONNREFUSED/);
    const health = await fetch(`${server.url}/readyz`);
    assert.equal(health.status, 200);
  });
});
