import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Agent } from 'node:http';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { WS_PROTOCOL } from '../../src/plugins/realtime.js';
import { createChildDatabase, signUpOver } from '../helpers/child-server.js';
import { testRedisUrl } from '../helpers/databases.js';

const IN_FLIGHT = 32;
const ACKNOWLEDGED_BEFORE_SIGTERM = 100;

interface Outcome {
  content: string;
  startedAt: number;
  endedAt: number;
  status?: number;
  body?: string;
  connection?: string;
  error?: string;
}

const isRefusal = (error: string) => /ECONNREFUSED/.test(error);
const isReset = (error: string) => /ECONNRESET|socket hang up|EPIPE/.test(error);

// On SQLite, where sends in flight may be waiting for a group commit; with Redis when there is one.
describe('a server stopped with SIGTERM under load', () => {
  test('finishes what is in flight, refuses the rest, closes sockets with 1001 and exits 0 within 10 s', { timeout: 90_000 }, async (t) => {
    const target = await createChildDatabase(t, 'sqlite');
    const redisUrl = testRedisUrl();
    const server = await target.start(redisUrl
      ? { REDIS_URL: redisUrl, REDIS_PREFIX: `shutdown-test-${randomBytes(4).toString('hex')}:` }
      : {});
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    t.after(() => agent.destroy());
    const bob = await signUpOver(server.url, 'bob');
    const alice = await signUpOver(server.url, 'alice', agent);

    const socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws/`, [WS_PROTOCOL], { headers: { cookie: bob.cookies } });
    t.after(() => socket.terminate());
    const socketClosed = new Promise<number>((resolve) => socket.once('close', resolve));
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });

    const outcomes: Outcome[] = [];
    let next = 0;
    let exited = false;
    const senders = Array.from({ length: IN_FLIGHT }, async () => {
      while (!exited) {
        const outcome: Outcome = { content: `message ${next++}`, startedAt: Date.now(), endedAt: 0 };
        outcomes.push(outcome);
        try {
          const res = await alice.request('POST', '/messages/', { recipient: 'bob', content: outcome.content });
          Object.assign(outcome, { status: res.status, body: res.body, connection: res.headers.connection });
        } catch (error) {
          outcome.error = String(error);
        }
        outcome.endedAt = Date.now();
        if (outcome.error !== undefined && isRefusal(outcome.error)) return;
      }
    });
    const acknowledged = () => outcomes.filter((outcome) => outcome.status === 201).length;
    while (acknowledged() < ACKNOWLEDGED_BEFORE_SIGTERM && outcomes.every((outcome) => outcome.error === undefined)) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }

    const sigtermAt = Date.now();
    server.process.kill('SIGTERM');
    const exit = await server.exited;
    const exitedAfterMs = Date.now() - sigtermAt;
    exited = true;
    await Promise.all(senders);

    assert.deepEqual(exit, { code: 0, signal: null }, server.output());
    assert.ok(exitedAfterMs < 10_000, `exited ${exitedAfterMs} ms after SIGTERM`);
    assert.equal(await socketClosed, 1001);
    assert.doesNotMatch(server.output(), /"level":(50|60)/, 'errors were logged');

    const stored = new Set((await target.database.db.selectFrom('messages').select('content').execute()).map((row) => row.content));
    const unexpected: Outcome[] = [];
    for (const outcome of outcomes) {
      const beforeSigterm = outcome.endedAt < sigtermAt;
      if (outcome.status === 201) {
        assert.ok(stored.has(outcome.content), `"${outcome.content}" was acknowledged but is not stored`);
      } else if (outcome.status === 503) {
        assert.deepEqual(JSON.parse(outcome.body!), { detail: 'The server is shutting down.' });
        assert.equal(outcome.connection, 'close');
        if (beforeSigterm) unexpected.push(outcome);
      } else if (outcome.error !== undefined && isRefusal(outcome.error)) {
        if (beforeSigterm) unexpected.push(outcome);
      } else if (outcome.error !== undefined && isReset(outcome.error)) {
        // A connection still waiting to be accepted when the server stopped listening is reset by the
        // kernel: its request never reached the app, so it must not have been stored.
        assert.ok(!stored.has(outcome.content), `"${outcome.content}" was stored, but its connection was reset`);
        if (beforeSigterm) unexpected.push(outcome);
      } else {
        unexpected.push(outcome);
      }
    }
    assert.deepEqual(unexpected, []);
    const finishedDuringShutdown = outcomes.filter((outcome) => outcome.status === 201 && outcome.endedAt >= sigtermAt);
    assert.ok(finishedDuringShutdown.length > 0, 'no send in flight at SIGTERM was answered');
  });

  test('a request that never finishes holds the shutdown up only until SHUTDOWN_TIMEOUT_SECONDS, then exit code 1', { timeout: 60_000 }, async (t) => {
    const target = await createChildDatabase(t, 'sqlite');
    const server = await target.start({ SHUTDOWN_TIMEOUT_SECONDS: '1' });
    const { port } = new URL(server.url);
    const client = connect(Number(port), '127.0.0.1');
    t.after(() => client.destroy());
    // With Expect: 100-continue the server says when it took the request up: it is then in flight,
    // waiting for a body that never comes.
    client.write('POST /register/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
      + 'Content-Length: 100\r\nExpect: 100-continue\r\n\r\n');
    await new Promise<void>((resolve) => client.on('data', (chunk: Buffer) => {
      if (chunk.toString().startsWith('HTTP/1.1 100')) resolve();
    }));
    client.write('{"username": ');

    const sigtermAt = Date.now();
    server.process.kill('SIGTERM');
    assert.deepEqual(await server.exited, { code: 1, signal: null }, server.output());
    const exitedAfterMs = Date.now() - sigtermAt;
    assert.ok(exitedAfterMs >= 1000 && exitedAfterMs < 5000, `exited ${exitedAfterMs} ms after SIGTERM`);
    assert.match(server.output(), /shutdown did not finish in time/);
  });
});
