import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAppOn } from '../helpers/app.js';
import { issueToken, signUp, TestClient } from '../helpers/client.js';
import { createTestDatabase, testDatabaseKinds } from '../helpers/databases.js';

const postgresOnly = { skip: !testDatabaseKinds().includes('postgres') && 'TEST_DATABASE_URL is not set' };

test('on PostgreSQL a history page, the inbox, the users list and a send take at most two statements each, the session or token included',
  postgresOnly, async (t) => {
    const statements: string[] = [];
    let recording = false;
    const testDatabase = await createTestDatabase('postgres', {
      onStatement: (sql) => {
        if (recording) statements.push(sql);
      },
    });
    t.after(() => testDatabase.drop());
    const { app } = await buildAppOn('postgres', testDatabase);
    t.after(() => app.close());

    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    await signUp(app, 'carol');
    const token = await issueToken(app, 'alice');
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content: 'first' })).statusCode, 201);

    const statementsOf = async (client: TestClient, method: 'GET' | 'POST', url: string, body: object | undefined,
      headers: Record<string, string>, status: number) => {
      statements.length = 0;
      recording = true;
      const response = await client.request(method, url, body, headers);
      recording = false;
      assert.equal(response.statusCode, status, `${method} ${url}: ${response.body}`);
      return [...statements];
    };

    const requests = [
      { method: 'GET', url: '/list-messages/bob/?page_size=10', status: 200, expected: 2 },
      { method: 'GET', url: '/conversations/', status: 200, expected: 1 },
      { method: 'GET', url: '/users-list/', status: 200, expected: 2 },
      { method: 'POST', url: '/messages/', body: { recipient: 'bob', content: 'again' }, status: 201, expected: 1 },
    ] as const;
    const withToken = new TestClient(app);
    for (const [credential, client, headers] of [['session', alice, {}], ['API token', withToken, { authorization: `Token ${token}` }]] as const) {
      // A client's first request reads its session or token; from then on it is kept.
      await statementsOf(client, 'GET', '/me/', undefined, headers, 200);
      for (const request of requests) {
        const sent = await statementsOf(client, request.method, request.url, 'body' in request ? request.body : undefined, headers, request.status);
        assert.equal(sent.length, request.expected, `${credential}, ${request.method} ${request.url}:\n${sent.join('\n')}`);
      }
    }
    // A pair's first message: the send finds no conversation, then one statement makes it with the message.
    const firstMessage = await statementsOf(alice, 'POST', '/messages/', { recipient: 'carol', content: 'hello' }, {}, 201);
    assert.equal(firstMessage.length, 2, firstMessage.join('\n'));
  });
