import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, type TestContext, test } from 'node:test';
import SQLite from 'better-sqlite3';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { isDatabaseUnavailable } from '../../src/db/unavailable.js';
import { buildTestApp } from '../helpers/app.js';
import { createChildDatabase } from '../helpers/child-server.js';
import { signUp } from '../helpers/client.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { assertDatabaseConsistent } from '../helpers/invariants.js';

const UNAVAILABLE = { detail: 'Service temporarily unavailable.' };

function assertUnavailable(res: LightMyRequestResponse, what: string): void {
  assert.equal(res.statusCode, 503, `${what}: ${res.statusCode} ${res.body}`);
  assert.deepEqual(res.json(), UNAVAILABLE);
  assert.equal(res.headers['retry-after'], '1');
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Repeats a request until it gets `status`, as a client retrying after 503 would: every answer before
 * that must be the 503, and the first success must come within a few attempts, with no restart.
 */
async function recovers(send: () => Promise<LightMyRequestResponse>, status: number): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const res = await send();
    if (res.statusCode === status) return;
    assertUnavailable(res, `attempt ${attempt} to recover`);
    assert.ok(attempt < 10, 'the service did not recover');
  }
}

test('errors that mean the database is out of reach are told from the others', () => {
  const unavailable = [
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '57P02' }, { code: '57P03' }, { code: '08006' }, { code: '08001' }, { code: '53300' }, { code: '25006' },
    { code: 'ECONNREFUSED' }, { code: 'ECONNRESET' },
    { code: 'CONNECTION_CLOSED' }, { code: 'CONNECT_TIMEOUT' },
    { code: 'SQLITE_BUSY' }, { code: 'SQLITE_BUSY_SNAPSHOT' },
    new Error('wrapped', { cause: { code: '57P01' } }),
  ];
  for (const error of unavailable) assert.ok(isDatabaseUnavailable(error), JSON.stringify(error));
  const others = [
    { code: '23505' }, { code: '42601', message: 'syntax error at or near "x"' }, { code: '22P02' },
    { code: 'SQLITE_CONSTRAINT_UNIQUE' }, { code: 'SQLITE_MISMATCH' }, { code: 'FST_ERR_VALIDATION' },
    { code: 'CONNECTION_ENDED' }, { code: 'CONNECTION_DESTROYED' },
    new Error('Connection'), null, undefined, 'ECONNREFUSED',
  ];
  for (const error of others) assert.ok(!isDatabaseUnavailable(error), JSON.stringify(error));
});

test('a SQLite database locked by another process gives 503, and sends work again once it is free', async (t) => {
  const { app, testDatabase } = await buildTestApp(t, 'sqlite');
  // The app waits up to 5 s for a lock; the test need not.
  await sql`pragma busy_timeout = 50`.execute(testDatabase.database.db);
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  const locker = new SQLite(testDatabase.url.slice('sqlite:'.length));
  t.after(() => locker.close());

  locker.exec('begin immediate');
  assertUnavailable(await alice.post('/messages/', { recipient: 'bob', content: 'while locked' }), 'send while locked');
  assert.equal((await alice.get('/list-messages/bob/')).statusCode, 200, 'reads go on in WAL mode');
  locker.exec('rollback');

  const sent = await alice.post('/messages/', { recipient: 'bob', content: 'once free' });
  assert.equal(sent.statusCode, 201, sent.body);
  await assertDatabaseConsistent(testDatabase.database.db);
});

/**
 * Another process holding SQLite's write lock on `file` until `release()`, or for `holdMs` (a lock
 * waited for stops this process's event loop, so the locker must let go by itself). One process's own
 * connections lock each other otherwise.
 */
async function lockedByAnotherProcess(t: TestContext, file: string, holdMs = 0): Promise<{ release(): Promise<void> }> {
  const locker = spawn(process.execPath, ['-e', `
    const db = new (require('better-sqlite3'))(process.argv[1]);
    db.exec('begin immediate');
    console.log('locked');
    const release = () => { db.exec('rollback'); db.close(); process.exit(0); };
    if (Number(process.argv[2]) > 0) setTimeout(release, Number(process.argv[2]));
    process.stdin.once('data', release);
  `, file, String(holdMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => locker.kill());
  await new Promise((resolve) => locker.stdout.once('data', resolve));
  return {
    async release() {
      locker.stdin.write('go\n');
      await new Promise((resolve) => locker.once('exit', resolve));
    },
  };
}

test('a send waits for another process\'s write lock held for a moment, as a second instance\'s would be', async (t) => {
  const { app, testDatabase } = await buildTestApp(t, 'sqlite');
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  await alice.post('/messages/', { recipient: 'bob', content: 'first' });
  await lockedByAnotherProcess(t, testDatabase.url.slice('sqlite:'.length), 300);
  const sent = await alice.post('/messages/', { recipient: 'bob', content: 'waited for the lock' });
  assert.equal(sent.statusCode, 201, sent.body);
});

test('sends that share a batch while SQLite is locked wait out the busy timeout once, not once each', async (t) => {
  const { app, testDatabase } = await buildTestApp(t, 'sqlite');
  const busyTimeoutMs = 5000; // the service's own
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  const lock = await lockedByAnotherProcess(t, testDatabase.url.slice('sqlite:'.length));
  const started = Date.now();
  const sends = await Promise.all(Array.from({ length: 4 }, (_, i) => alice.post('/messages/', { recipient: 'bob', content: `locked ${i}` })));
  const waited = Date.now() - started;
  await lock.release();
  for (const [i, res] of sends.entries()) assertUnavailable(res, `send ${i}`);
  // Each send waiting in turn would take four timeouts (the event loop standing still meanwhile); the batch takes one.
  assert.ok(waited < 2.5 * busyTimeoutMs, `the four sends took ${waited} ms`);
  assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'once free' })).statusCode, 201);
});

const postgres = testDatabaseKinds().includes('postgres');

describe('PostgreSQL connections killed under the app', { skip: !postgres && 'TEST_DATABASE_URL is not set' }, () => {
  test('requests on killed connections get 503, idle ones are dropped and logged, and the service recovers by itself', { timeout: 60_000 }, async (t) => {
    const applicationName = `messaging-outage-${randomBytes(4).toString('hex')}`;
    const target = await createChildDatabase(t, 'postgres', applicationName);
    const logged: string[] = [];
    const app = await target.openApp({}, { level: 'warn', stream: { write: (line: string) => logged.push(line) } });
    const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    t.after(() => admin.end());
    /** Only this app's connections: its pool names itself with `application_name` in DATABASE_URL. */
    const appBackends = async (where = 'true') => (await admin.query(
      `select pid from pg_stat_activity where application_name = $1 and ${where}`, [applicationName])).rows.length;
    const killAppBackends = async () => (await admin.query(
      'select count(pg_terminate_backend(pid))::int as killed from pg_stat_activity where application_name = $1',
      [applicationName])).rows[0].killed as number;

    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'before' })).statusCode, 201);

    // Requests that are waiting on the database when their connections die.
    await admin.query('begin');
    await admin.query(`lock table ${target.schema}.messages in access exclusive mode`);
    const blockedSend = alice.post('/messages/', { recipient: 'bob', content: 'blocked' });
    const blockedRead = alice.get('/list-messages/bob/');
    await waitFor(async () => (await appBackends(`wait_event_type = 'Lock'`)) >= 2, 'the requests to wait for the lock');
    assert.ok((await killAppBackends()) >= 2);
    await admin.query('rollback');
    assertUnavailable(await blockedSend, 'a send on a killed connection');
    assertUnavailable(await blockedRead, 'a read on a killed connection');

    // The pool has dropped the dead connections or drops them at their next use: the app recovers by itself.
    await recovers(() => alice.get('/list-messages/bob/'), 200);

    // Idle connections that die: the pool drops them, says so in the log, and opens new ones.
    await Promise.all(Array.from({ length: 4 }, () => alice.get('/list-messages/bob/')));
    await waitFor(async () => (await appBackends(`state = 'idle'`)) >= 1 && (await appBackends(`state <> 'idle'`)) === 0, 'idle connections');
    logged.length = 0;
    const killed = await killAppBackends();
    assert.ok(killed >= 1);
    const lost = () => logged.filter((line) => line.includes('database connection lost')).length;
    await waitFor(() => lost() >= killed, `${killed} lost connections to be logged`);
    await recovers(() => alice.post('/messages/', { recipient: 'bob', content: 'after the idle ones died' }), 201);

    // Under load, connections killed again and again: every answer is a success or a 503, never a 500.
    const statuses = new Map<number, number>();
    let loading = true;
    const clients = Array.from({ length: 12 }, async (_, i) => {
      for (let n = 0; loading; n += 1) {
        const res = n % 2 === 0
          ? await alice.post('/messages/', { recipient: 'bob', content: `load ${i}-${n}` })
          : await alice.get('/list-messages/bob/?page=last');
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 503) assert.deepEqual(res.json(), UNAVAILABLE);
        else assert.ok(res.statusCode === 200 || res.statusCode === 201, `${res.statusCode} ${res.body}`);
      }
    });
    const load = Promise.all(clients);
    for (let kill = 0; kill < 5; kill += 1) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      await killAppBackends();
    }
    // On a slow machine no send may get through between two kills: the load goes on until one has.
    try {
      await Promise.race([load, waitFor(() => (statuses.get(201) ?? 0) > 0,
        `a send to succeed under the load (statuses when the kills ended: ${JSON.stringify([...statuses])})`)]);
    } finally {
      loading = false;
    }
    await load;

    await recovers(() => alice.post('/messages/', { recipient: 'bob', content: 'after the outage' }), 201);
    assert.equal((await alice.get('/list-messages/bob/?page=last')).statusCode, 200);
    assert.deepEqual(logged.filter((line) => /"level":(50|60)/.test(line)), [], 'errors were logged');
    await assertDatabaseConsistent(target.database.db);
  });
});
