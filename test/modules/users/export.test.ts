import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sql } from 'kysely';
import { buildTestApp } from '../../helpers/app.js';
import { signUp } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

setFlagsFromString('--expose_gc');
const collectGarbage = runInNewContext('gc') as () => void;

const CLIENT_ID = '0b6a3c6e-4f2d-4c1a-9e8b-7d5f1a2b3c4d';
const LONG_HISTORY = 100_000;

interface Line {
  type: string;
  [field: string]: unknown;
}

/** Memory the process holds in JavaScript objects and in buffers, after a full collection. */
function heldBytes(): number {
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

describeEachDatabase('GET /me/export/', (kind) => {
  test('streams the profile, each conversation and its messages as the user sees them, and nobody else\'s', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    const first = (await alice.post('/messages/', { recipient: 'bob', content: 'hello bob', client_id: CLIENT_ID })).json();
    const reply = (await bob.post('/messages/', { recipient: 'alice', content: 'hi alice', client_id: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f' })).json();
    const gone = (await alice.post('/messages/', { recipient: 'bob', content: 'oops' })).json();
    await alice.delete(`/messages/${gone.id}/`);
    const note = (await alice.post('/messages/', { recipient: 'alice', content: 'a note' })).json();
    await bob.post('/messages/', { recipient: 'carol', content: 'not alice\'s' });
    await carol.post('/messages/', { recipient: 'bob', content: 'nor this' });

    const res = await alice.get('/me/export/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/x-ndjson/);
    assert.match(String(res.headers['content-disposition']), /^attachment; filename="messaging-export\.ndjson"$/);
    assert.ok(res.body.endsWith('\n'));
    const lines = res.body.trimEnd().split('\n').map((line) => JSON.parse(line) as Line);
    assert.deepEqual(lines[0], { type: 'profile', user: alice.user });
    assert.deepEqual(lines.slice(1).map((line) => line.type === 'conversation' ? `conversation with ${(line.peer as { username: string }).username}` : line.content),
      ['conversation with bob', 'hello bob', 'hi alice', '', 'conversation with alice', 'a note']);
    const messages = lines.filter((line) => line.type === 'message');
    assert.deepEqual(messages.map((line) => line.id), [first.id, reply.id, gone.id, note.id]);
    assert.equal(messages[0].client_id, CLIENT_ID, 'her own key');
    assert.equal(messages[1].client_id, null, 'not bob\'s');
    assert.equal(messages[2].deleted, true);
    const withBob = lines.find((line) => line.type === 'conversation' && (line.peer as { username: string }).username === 'bob')!;
    assert.deepEqual(withBob.peer, { id: bob.user.id, username: 'bob', email: null });
    assert.equal(withBob.message_count, 3);
    assert.ok(!res.body.includes('not alice') && !res.body.includes('nor this'));
  });

  test('at most three exports an hour', async (t) => {
    const { app } = await buildTestApp(t, kind, { RATE_LIMITS: 'on' });
    const alice = await signUp(app, 'alice');
    for (let i = 0; i < 3; i += 1) assert.equal((await alice.get('/me/export/')).statusCode, 200);
    const fourth = await alice.get('/me/export/');
    assert.equal(fourth.statusCode, 429);
    assert.match(fourth.json().detail, /^Request was throttled\. Expected available in \d+ seconds\.$/);
  });

  test(`a history of ${LONG_HISTORY.toLocaleString('en')} messages streams whole, in memory that does not grow with it`, { timeout: 240_000 }, async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    const { conversation } = (await alice.post('/messages/', { recipient: 'bob', content: 'the first' })).json();
    const db = testDatabase.database.db;
    const [aliceRow, bobRow] = await db.selectFrom('users').select('id').orderBy('username').execute();
    const content = 'a message of a long history, long enough to weigh something: '.repeat(3);
    if (kind === 'postgres') {
      await sql`insert into messages (conversation_id, sender_id, recipient_id, content, created_at)
        select ${conversation}, case when i % 2 = 0 then ${aliceRow.id}::bigint else ${bobRow.id}::bigint end,
          case when i % 2 = 0 then ${bobRow.id}::bigint else ${aliceRow.id}::bigint end, ${content} || i, 1700000000000 + i
        from generate_series(2, ${LONG_HISTORY}) i`.execute(db);
    } else {
      await sql`with recursive n(i) as (select 2 union all select i + 1 from n where i < ${LONG_HISTORY})
        insert into messages (conversation_id, sender_id, recipient_id, content, created_at)
        select ${conversation}, case when i % 2 = 0 then ${aliceRow.id} else ${bobRow.id} end,
          case when i % 2 = 0 then ${bobRow.id} else ${aliceRow.id} end, ${content} || i, 1700000000000 + i from n`.execute(db);
    }
    await sql`update conversations set message_count = ${LONG_HISTORY},
      last_message_id = (select max(id) from messages where conversation_id = ${conversation}) where id = ${conversation}`.execute(db);
    await sql`update conversation_members set last_message_id = (select max(id) from messages where conversation_id = ${conversation})
      where conversation_id = ${conversation}`.execute(db);

    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const cookie = [...alice.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const before = heldBytes();
    let growth = 0;
    let received = 0;
    let messages = 0;
    let lastId = 0;
    let ordered = true;
    let rest = '';
    await new Promise<void>((resolve, reject) => {
      http.get({ port, host: '127.0.0.1', path: '/me/export/', headers: { cookie } }, (res) => {
        assert.equal(res.statusCode, 200);
        let measured = false;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          received += chunk.length;
          const lines = (rest + chunk).split('\n');
          rest = lines.pop()!;
          for (const text of lines) {
            const line = JSON.parse(text) as Line;
            if (line.type !== 'message') continue;
            messages += 1;
            if ((line.id as number) <= lastId) ordered = false;
            lastId = line.id as number;
          }
          if (!measured && received > 4_000_000) {
            // A third of the way in, the reader stops for a while: a server that read ahead of it, or that
            // built the whole answer first, now holds the history in memory.
            measured = true;
            res.pause();
            sleep(500).then(() => {
              growth = heldBytes() - before;
              res.resume();
            }, reject);
          }
        });
        res.on('end', resolve);
        res.on('error', reject);
      }).on('error', reject);
    });
    assert.equal(messages, LONG_HISTORY);
    assert.ok(ordered, 'oldest first');
    assert.ok(received > 12_000_000, `received ${received} characters`);
    assert.ok(growth < 8_000_000, `memory grew by ${(growth / 1e6).toFixed(1)} MB while the reader paused`);
  });
});
