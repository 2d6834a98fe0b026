import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { signUpOver, startChildServer } from '../helpers/child-server.js';
import { runUsersCommand } from '../helpers/cli.js';
import { signUp } from '../helpers/client.js';

function temporaryFile(t: TestContext): string {
  const folder = mkdtempSync(join(tmpdir(), 'messaging-exclusive-'));
  t.after(() => rmSync(folder, { recursive: true, force: true }));
  return join(folder, 'db.sqlite3');
}

function startOn(path: string, env: Record<string, string> = {}) {
  return buildApp(loadConfig({ DATABASE_URL: `sqlite:${path}`, SECRET_KEY: 'k', RATE_LIMITS: 'off', ...env }), { logger: false });
}

/** Another connection to the file, as a second process would have, that gives up on a lock at once. */
function otherConnection(t: TestContext, path: string): SQLite.Database {
  const other = new SQLite(path, { timeout: 0 });
  t.after(() => other.close());
  return other;
}

const countMessages = (connection: SQLite.Database) =>
  (connection.prepare('select count(*) as n from messages').get() as { n: number }).n;

test('by default another connection reads the file while the service runs', async (t) => {
  const path = temporaryFile(t);
  const app = await startOn(path);
  t.after(() => app.close());
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'hello' })).statusCode, 201);
  assert.equal(countMessages(otherConnection(t, path)), 1);
  assert.ok(existsSync(`${path}-shm`), 'the WAL index is in shared memory, for every process to see');
});

test('with SQLITE_EXCLUSIVE the service works in WAL mode, and no one else can use the file until it closes', async (t) => {
  const path = temporaryFile(t);
  const app = await startOn(path, { SQLITE_EXCLUSIVE: 'true' });
  let open = true;
  t.after(() => (open ? app.close() : undefined));

  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  for (const content of ['one', 'two', 'three']) {
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content })).statusCode, 201);
  }
  const page = await alice.get('/list-messages/bob/?page=last');
  assert.equal(page.statusCode, 200);
  assert.deepEqual(page.json().results.map((message: { content: string }) => message.content), ['one', 'two', 'three']);
  assert.equal((await alice.get('/users-list/')).json().count, 1);

  assert.ok(!existsSync(`${path}-shm`), 'the WAL index is in the process\'s own memory');
  const other = otherConnection(t, path);
  assert.throws(() => countMessages(other), (error: { code?: string }) => error.code === 'SQLITE_BUSY');
  const cli = await runUsersCommand(`sqlite:${path}`, ['deactivate', 'bob']);
  assert.equal(cli.code, 1);
  assert.match(cli.stderr, /is locked by another process \(a service running with SQLITE_EXCLUSIVE=true keeps it until it stops\)/);

  await app.close();
  open = false;
  assert.equal(countMessages(other), 3, 'everything acknowledged is in the file once the service let go of it');
  assert.equal(other.pragma('journal_mode', { simple: true }), 'wal');
});

test('with SQLITE_EXCLUSIVE the service refuses to start while another connection uses the file', async (t) => {
  const path = temporaryFile(t);
  const first = await startOn(path);
  await first.close();
  const other = new SQLite(path, { timeout: 0 });
  t.after(() => { if (other.open) other.close(); });
  countMessages(other);

  await assert.rejects(startOn(path, { SQLITE_EXCLUSIVE: 'true' }), /SQLITE_EXCLUSIVE: another process or connection is using/);
  other.close();
  const app = await startOn(path, { SQLITE_EXCLUSIVE: 'true' });
  await app.close();
});

test('with SQLITE_EXCLUSIVE, a killed service leaves a WAL that the next opener recovers with every acknowledged send', { timeout: 60_000 }, async (t) => {
  // The WAL index lived in the killed process's memory only: the next opener rebuilds it from the WAL file.
  const path = temporaryFile(t);
  const server = await startChildServer(t, { DATABASE_URL: `sqlite:${path}`, SQLITE_EXCLUSIVE: 'true' });
  await signUpOver(server.url, 'bob');
  const alice = await signUpOver(server.url, 'alice');
  const acknowledged: string[] = [];
  let killed = false;
  let next = 0;
  const senders = Array.from({ length: 16 }, async () => {
    while (!killed) {
      const content = `message ${next++}`;
      const res = await alice.request('POST', '/messages/', { recipient: 'bob', content }).catch(() => null);
      if (res?.status === 201) acknowledged.push(content);
    }
  });
  let exitedEarly = false;
  void server.exited.then(() => { exitedEarly = !killed; });
  while (acknowledged.length < 100 && !exitedEarly) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(!exitedEarly, `the service exited before the kill:\n${server.output()}`);
  server.process.kill('SIGKILL');
  killed = true;
  await Promise.all(senders);
  await server.exited;
  assert.ok(existsSync(`${path}-wal`), 'the kill left a WAL to recover');

  const reopened = otherConnection(t, path);
  const stored = new Set((reopened.prepare('select content from messages').all() as { content: string }[]).map((row) => row.content));
  assert.deepEqual(acknowledged.filter((content) => !stored.has(content)), []);
});
