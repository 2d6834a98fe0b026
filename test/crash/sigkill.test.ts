import assert from 'node:assert/strict';
import { Agent } from 'node:http';
import { test } from 'node:test';
import { createChildDatabase, readHistory, signUpOver } from '../helpers/child-server.js';
import { TestClient } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { assertDatabaseConsistent } from '../helpers/invariants.js';

const IN_FLIGHT = 32;
/** The kill comes once this many sends were acknowledged, with IN_FLIGHT more under way. */
const ACKNOWLEDGED_BEFORE_KILL = 150;

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEachDatabase('a server killed under load', (kind) => {
  test('every message acknowledged before a SIGKILL is in the history after a restart', { timeout: 90_000 }, async (t) => {
    const target = await createChildDatabase(t, kind);
    const first = await target.start();
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    t.after(() => agent.destroy());
    await signUpOver(first.url, 'bob');
    const alice = await signUpOver(first.url, 'alice', agent);

    const acknowledged = new Map<number, string>();
    const refusedBeforeKill: string[] = [];
    let killed = false;
    let next = 0;
    const senders = Array.from({ length: IN_FLIGHT }, async () => {
      while (!killed) {
        const content = `message ${next++}`;
        try {
          const res = await alice.request('POST', '/messages/', { recipient: 'bob', content });
          if (res.status === 201) acknowledged.set(JSON.parse(res.body).id, content);
          else if (!killed) refusedBeforeKill.push(`${res.status} ${res.body}`);
        } catch (error) {
          if (!killed) refusedBeforeKill.push(String(error));
        }
      }
    });
    await waitUntil(() => acknowledged.size >= ACKNOWLEDGED_BEFORE_KILL || refusedBeforeKill.length > 0, 60_000, 'acknowledged sends');
    first.process.kill('SIGKILL');
    killed = true;
    await Promise.all(senders);
    assert.equal((await first.exited).signal, 'SIGKILL');
    assert.deepEqual(refusedBeforeKill, [], 'sends failed before the kill');
    const attempted = next;

    // The restart: the app opened anew on the same database, as the server does on start (in this
    // process, which spares the test a second start of a child).
    const restarted = await target.openApp();
    const bob = new TestClient(restarted);
    assert.equal((await bob.login('bob')).statusCode, 200);
    const history = await readHistory(bob, 'alice');
    const stored = new Map(history.map((message) => [message.id, message.content]));
    const lost = [...acknowledged].filter(([id, content]) => stored.get(id) !== content);
    assert.deepEqual(lost, [], `${lost.length} of ${acknowledged.size} acknowledged messages are missing after the restart`);
    assert.equal(new Set(history.map((message) => message.content)).size, history.length, 'a message was stored twice');
    assert.ok(history.length <= attempted, `${history.length} stored, ${attempted} attempted`);
    const { count } = await target.database.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    assert.equal(Number(count), history.length, 'the history shows every stored message');
    await assertDatabaseConsistent(target.database.db);
  });
});
