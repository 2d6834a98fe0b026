import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Sql } from 'postgres';
import { buildAppOn } from '../helpers/app.js';
import { signUp, type TestClient } from '../helpers/client.js';
import { createTestDatabase, testDatabaseKinds } from '../helpers/databases.js';

/** The tables a hot query must never read whole: each grows with the service's use. */
const GROWING_TABLES = new Set(['messages', 'conversations', 'conversation_members', 'users', 'sessions', 'api_tokens', 'blocks']);

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  Plans?: PlanNode[];
}

interface Statement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

function* nodesOf(node: PlanNode): Generator<PlanNode> {
  yield node;
  for (const child of node.Plans ?? []) yield* nodesOf(child);
}

/** A parameter as a literal for EXECUTE: the statements' parameters are numbers, strings and nulls. */
function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return String(value);
  return `'${String(value).replaceAll("'", "''")}'`;
}

/**
 * The plan PostgreSQL makes for a statement as the service sends it: prepared, then executed with its
 * parameters, either planned for them (a custom plan, which the first runs of a prepared statement get) or
 * for any (the generic plan that later runs may switch to).
 */
async function planOf(sql: Sql, statement: Statement, mode: 'force_custom_plan' | 'force_generic_plan'): Promise<PlanNode> {
  return sql.begin(async (trx) => {
    await trx.unsafe(`set local plan_cache_mode = ${mode}`);
    await trx.unsafe(`prepare planned as ${statement.sql}`);
    const [row] = await trx.unsafe<{ 'QUERY PLAN': [{ Plan: PlanNode }] }[]>(
      `explain (format json) execute planned(${statement.parameters.map(literal).join(', ')})`);
    await trx.unsafe('deallocate planned');
    return row['QUERY PLAN'][0].Plan;
  });
}

const postgresOnly = { skip: !testDatabaseKinds().includes('postgres') && 'TEST_DATABASE_URL is not set', timeout: 180_000 };

test('the hot queries read through the indexes meant for them, with or without statistics, beside a conversation of 100,000 messages', postgresOnly, async (t) => {
  const sent: Statement[] = [];
  let recording = false;
  const testDatabase = await createTestDatabase('postgres', {
    onStatement: (sql, parameters) => {
      if (recording) sent.push({ sql, parameters: [...parameters] });
    },
  });
  t.after(() => testDatabase.drop());
  const { app } = await buildAppOn('postgres', testDatabase);
  t.after(() => app.close());
  const sql = testDatabase.database.postgres!.pool;

  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  await signUp(app, 'carol');
  const [{ id: aliceId }, { id: bobId }] = await sql.unsafe<{ id: number }[]>(
    `select id from users where username in ('alice', 'bob') order by username`);
  // Without autovacuum, only the ANALYZE below gives these tables statistics.
  for (const table of GROWING_TABLES) await sql.unsafe(`alter table ${table} set (autovacuum_enabled = false)`);
  await sql.unsafe(`insert into users (username, username_lower, email, email_lower, password_hash, is_active, date_joined)
    select 'u' || i, 'u' || i, 'u' || i || '@example.com', 'u' || i || '@example.com', 'x', 1, 0 from generate_series(1, 20000) i`);
  // alice and bob: 100,000 messages, the oldest of all. Then 20,000 conversations of two messages each,
  // half of them alice's, so that her inbox is long too, and blocks among the other users.
  await sql.unsafe(`insert into conversations (user_low_id, user_high_id, last_message_id, message_count, updated_at)
    values (${aliceId}, ${bobId}, 0, 100000, 0)`);
  await sql.unsafe(`insert into messages (conversation_id, sender_id, recipient_id, content, created_at)
    select c.id, case when i % 2 = 0 then ${aliceId} else ${bobId} end, case when i % 2 = 0 then ${bobId} else ${aliceId} end,
      'message ' || i, i
    from conversations c cross join generate_series(1, 100000) i`);
  await sql.unsafe(`insert into conversations (user_low_id, user_high_id, last_message_id, message_count, updated_at)
    select least(a.id, b.id), greatest(a.id, b.id), 0, 2, 0
    from users a join users b on b.username = 'u' || (substr(a.username, 2)::int + 10000)
    where a.username ~ '^u[0-9]+$' and substr(a.username, 2)::int <= 10000
    union all select ${aliceId}, id, 0, 2, 0 from users where username ~ '^u[0-9]+$' and substr(username, 2)::int <= 10000`);
  await sql.unsafe(`insert into messages (conversation_id, sender_id, recipient_id, content, created_at)
    select c.id, c.user_low_id, c.user_high_id, 'small ' || k, k from conversations c cross join generate_series(1, 2) k
    where c.message_count = 2 order by c.id, k`);
  await sql.unsafe(`update conversations set last_message_id = (select max(id) from messages where conversation_id = conversations.id)`);
  await sql.unsafe(`insert into conversation_members (conversation_id, user_id, last_read_id, unread_count, hidden, last_message_id)
    select id, user_low_id, 0, 0, 0, last_message_id from conversations
    union all select id, user_high_id, 0, 0, 0, last_message_id from conversations`);
  await sql.unsafe(`insert into blocks (blocker_id, blocked_id, created_at)
    select a.id, b.id, 0 from users a join users b on b.id = a.id + 1 where a.username ~ '^u[0-9]+$' and b.username ~ '^u[0-9]+$'
    union all select ${aliceId}, id, 0 from users where username ~ '^u1[0-9]{3}$'`);

  /**
   * The requests whose statements are checked, and an index each must read through. A page in the middle
   * of a long conversation reads past `offset` rows however it is planned (keyset paging is the way there):
   * reading them in order from the index or reading the range from it and sorting cost alike, and the
   * planner may take either.
   */
  const requests: { method: 'GET' | 'POST'; url: string; body?: object; status: number; index: string; middleOfLongConversation?: true }[] = [
    { method: 'GET', url: '/list-messages/bob/?page_size=10', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/bob/?page=last', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/bob/?page=5000&page_size=10', status: 200, index: 'messages_conversation_id', middleOfLongConversation: true },
    { method: 'GET', url: '/list-messages/bob/?before=50000&limit=50', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/bob/?after=50000&limit=50', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/bob/?around=50000&limit=50', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/u20/?page_size=10', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/list-messages/u20/?before=999999999&limit=50', status: 200, index: 'messages_conversation_id' },
    { method: 'GET', url: '/conversations/', status: 200, index: 'conversation_members_inbox' },
    { method: 'GET', url: '/conversations/?before=150000', status: 200, index: 'conversation_members_inbox' },
    { method: 'GET', url: '/users-list/', status: 200, index: 'users_active_by_name' },
    { method: 'GET', url: '/users-list/?page=3', status: 200, index: 'users_active_by_name' },
    { method: 'GET', url: '/users-list/?search=u19', status: 200, index: 'users_active_by_name' },
    { method: 'POST', url: '/messages/', body: { recipient: 'bob', content: 'hello' }, status: 201, index: 'conversations_pair' },
    { method: 'POST', url: '/messages/', body: { recipient: 'u20', content: 'hello' }, status: 201, index: 'conversations_pair' },
  ];

  const check = async (client: TestClient, stage: string) => {
    for (const request of requests) {
      sent.length = 0;
      recording = true;
      const res = await client.request(request.method, request.url, request.body);
      recording = false;
      assert.equal(res.statusCode, request.status, `${request.method} ${request.url}: ${res.body}`);
      assert.ok(sent.length > 0, `${request.url} sent no statement`);
      const indexes = new Set<string>();
      for (const statement of sent) {
        for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
          const where = `${stage}, ${mode}, ${request.method} ${request.url}: ${statement.sql}`;
          for (const node of nodesOf(await planOf(sql, statement, mode))) {
            if (node['Index Name']) indexes.add(node['Index Name']);
            assert.ok(!(node['Node Type'] === 'Seq Scan' && GROWING_TABLES.has(node['Relation Name']!)),
              `reads all of ${node['Relation Name']}: ${where}`);
            if (!request.middleOfLongConversation) assert.notEqual(node['Node Type'], 'Sort', `sorts: ${where}`);
            if (node['Relation Name'] === 'messages' && node['Node Type'] !== 'ModifyTable') {
              // Messages are read by their conversation's index, or one by one by primary key: never by
              // walking the primary key through everyone's messages. A bitmap scan names its index below it.
              const index = node['Index Name'] ?? node.Plans?.[0]?.['Index Name'];
              const byId = index === 'messages_pkey' && /^\(id = [^)]*\)$/.test(node['Index Cond'] ?? '');
              assert.ok(index === 'messages_conversation_id' || byId,
                `reads messages through ${index ?? node['Node Type']} ${node['Index Cond'] ?? ''}: ${where}`);
            }
          }
        }
      }
      assert.ok(indexes.has(request.index), `${stage}: ${request.method} ${request.url} does not use ${request.index}, only ${[...indexes].join(', ')}`);
    }
  };

  await check(alice, 'without statistics');
  await sql.unsafe('analyze');
  await check(alice, 'analyzed');
});
