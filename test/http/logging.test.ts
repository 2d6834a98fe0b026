import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { buildTestInstances } from '../helpers/app.js';
import { TestClient } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { closed, connect, listen } from '../helpers/sockets.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every line the app logs, raw and parsed; a line that is not JSON fails the test. */
function logSink(level = 'trace') {
  const raw: string[] = [];
  const lines: Record<string, unknown>[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      pending += chunk.toString();
      const complete = pending.split('\n');
      pending = complete.pop()!;
      for (const line of complete) {
        if (line === '') continue;
        raw.push(line);
        lines.push(JSON.parse(line));
      }
      done();
    },
  });
  return { raw, lines, logger: { level, stream } };
}

function assertNeverLogged(raw: readonly string[], secrets: Record<string, string>): void {
  assert.ok(raw.length > 0, 'something was logged');
  const text = raw.join('\n');
  for (const [what, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 8, `${what} is long enough to search for`);
    assert.ok(!text.includes(secret), `the ${what} was logged: ${raw.find((line) => line.includes(secret))}`);
  }
}

describeEachDatabase('logs', (kind) => {
  test('request logs are JSON with a request id, and hold no password, cookie, CSRF token, API token or message', async (t) => {
    const logs = logSink();
    const [{ app }] = await buildTestInstances(t, kind, 1, {}, { logger: logs.logger });
    const baseUrl = await listen(app);
    const password = 'Secret-Passphrase-7f3a91';
    const wrongPassword = 'Wrong-Passphrase-c4e2d8';
    const refusedPassword = '73914682051';
    const content = 'Confidential message body 5b1e77';

    const registered = await app.inject({ method: 'POST', url: '/register/', payload: { username: 'alice', email: 'alice@example.com', password } });
    assert.equal(registered.statusCode, 201);
    await app.inject({ method: 'POST', url: '/register/', payload: { username: 'bob', email: 'bob@example.com', password } });
    const rejected = await app.inject({ method: 'POST', url: '/register/', payload: { username: 'carol', email: 'carol@example.com', password: refusedPassword } });
    assert.equal(rejected.statusCode, 400);

    const alice = new TestClient(app);
    assert.equal((await alice.login('alice', wrongPassword)).statusCode, 401);
    assert.equal((await alice.login('alice', password)).statusCode, 200);
    const sessionId = alice.cookies.get('sessionid')!;
    const csrfCookie = alice.cookies.get('csrftoken')!;
    const csrfToken = alice.csrfToken!;
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content })).statusCode, 201);
    const tooLong = await alice.post('/messages/', { recipient: 'bob', content: `${content} `.repeat(400) });
    assert.equal(tooLong.statusCode, 400);
    const badCsrf = 'Forged-csrf-token-0a9b8c7d';
    assert.equal((await alice.post('/messages/', { recipient: 'bob', content }, { 'x-csrftoken': badCsrf })).statusCode, 403);
    await alice.get('/list-messages/bob/');

    const issued = await app.inject({ method: 'POST', url: '/tokens/', payload: { username: 'bob', password } });
    assert.equal(issued.statusCode, 201);
    const apiToken: string = issued.json().token;
    const asBob = { authorization: `Token ${apiToken}` };
    assert.equal((await app.inject({ method: 'GET', url: '/me/', headers: asBob })).statusCode, 200);
    const sentWithToken = await app.inject({ method: 'POST', url: '/messages/', headers: asBob, payload: { recipient: 'alice', content } });
    assert.equal(sentWithToken.statusCode, 201);
    const badToken = 'Not-a-real-api-token-6d5c4b';
    assert.equal((await app.inject({ method: 'GET', url: '/me/', headers: { authorization: `Bearer ${badToken}` } })).statusCode, 401);
    const socket = await connect(t, baseUrl, { token: apiToken });
    socket.close();
    await closed(socket);
    assert.equal((await app.inject({ method: 'DELETE', url: '/tokens/current/', headers: asBob })).statusCode, 204);

    await alice.post('/logout/');
    assert.equal((await app.inject({ method: 'POST', url: '/login/', payload: '{"password": "' + password, headers: { 'content-type': 'application/json' } })).statusCode, 400);

    assertNeverLogged(logs.raw, {
      password, 'wrong password': wrongPassword, 'refused password': refusedPassword, 'message content': content,
      'session id': sessionId, 'CSRF cookie': csrfCookie, 'CSRF token': csrfToken, 'forged CSRF token': badCsrf,
      'API token': apiToken, 'unknown API token': badToken,
    });
    const requestLines = logs.lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed');
    assert.ok(requestLines.length >= 30, `${requestLines.length} request lines`);
    for (const line of requestLines) {
      assert.match(String(line.reqId), UUID);
      assert.equal(typeof line.level, 'number');
      assert.equal(typeof line.time, 'number');
    }
    const completed = logs.lines.filter((line) => line.msg === 'request completed');
    assert.ok(completed.some((line) => (line.res as { statusCode: number }).statusCode === 201));
    assert.ok(completed.every((line) => typeof line.responseTime === 'number'));
  });

  test('a request that fails with a 500 is logged with its error and request id, and no credentials', async (t) => {
    const logs = logSink();
    const [{ app, testDatabase }] = await buildTestInstances(t, kind, 1, {}, { logger: logs.logger });
    const password = 'Secret-Passphrase-2e8d40';
    await app.inject({ method: 'POST', url: '/register/', payload: { username: 'alice', email: 'alice@example.com', password } });
    const alice = new TestClient(app);
    await alice.login('alice', password);
    const sessionId = alice.cookies.get('sessionid')!;
    const csrfToken = alice.csrfToken!;
    const content = 'Confidential message body 91c0aa';

    await testDatabase.database.destroy();
    const failed = await alice.post('/messages/', { recipient: 'alice', content });
    assert.equal(failed.statusCode, 500);
    assert.deepEqual(failed.json(), { detail: 'A server error occurred.' });
    const loginFailed = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password } });
    assert.equal(loginFailed.statusCode, 500);

    const errors = logs.lines.filter((line) => line.msg === 'unhandled error');
    assert.equal(errors.length, 2);
    for (const line of errors) {
      assert.match(String(line.reqId), UUID);
      assert.equal(line.level, 50);
      assert.ok((line.err as { stack?: string }).stack, 'the cause is logged');
    }
    assertNeverLogged(logs.raw, { password, 'session id': sessionId, 'CSRF token': csrfToken, 'message content': content });
  });

  test('at the warn level, requests log nothing until one fails, and that one with its request id', async (t) => {
    const logs = logSink('warn');
    const [{ app, testDatabase }] = await buildTestInstances(t, kind, 1, {}, { logger: logs.logger });
    // Each request's logger is made from this one: count the child loggers made.
    let children = 0;
    const makeChild = app.log.child.bind(app.log);
    app.log.child = (bindings, options) => {
      children += 1;
      return makeChild(bindings, options);
    };
    const password = 'Secret-Passphrase-5c7e21';
    await app.inject({ method: 'POST', url: '/register/', payload: { username: 'alice', email: 'alice@example.com', password } });
    const alice = new TestClient(app);
    await alice.login('alice', password);
    assert.equal((await alice.post('/messages/', { recipient: 'alice', content: 'a note' })).statusCode, 201);
    assert.equal((await alice.get('/list-messages/alice/')).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/no-such-page/' })).statusCode, 404);
    assert.equal(logs.raw.length, 0, logs.raw.join('\n'));
    assert.equal(children, 0, 'no request made a child logger');

    await testDatabase.database.destroy();
    assert.equal((await alice.get('/list-messages/alice/')).statusCode, 500);
    assert.equal(logs.lines.length, 1);
    assert.equal(logs.lines[0].msg, 'unhandled error');
    assert.equal(logs.lines[0].level, 50);
    assert.match(String(logs.lines[0].reqId), UUID);
    assert.equal(children, 1);
  });

  test('credentials, bodies and passwords are censored even where code logs them by mistake', async (t) => {
    const logs = logSink();
    const [{ app }] = await buildTestInstances(t, kind, 1, {}, { logger: logs.logger });
    const secrets = {
      authorization: 'Token Leaky-api-token-1a2b3c', cookie: 'sessionid=Leaky-session-4d5e6f',
      csrf: 'Leaky-csrf-token-7a8b9c', protocol: 'messaging.v1, token.Leaky-ws-token-0d1e2f',
      setCookie: 'sessionid=Leaky-set-cookie-3a4b5c', password: 'Leaky-password-6d7e8f',
      body: 'Leaky-body-content-9a0b1c', token: 'Leaky-token-field-2d3e4f',
    };
    app.log.info({
      req: { headers: { authorization: secrets.authorization, cookie: secrets.cookie, 'x-csrftoken': secrets.csrf,
        'sec-websocket-protocol': secrets.protocol } },
      res: { headers: { 'set-cookie': [secrets.setCookie] } },
      body: { content: secrets.body },
      password: secrets.password,
      user: { password: secrets.password, token: secrets.token },
      message: { content: secrets.body },
    }, 'careless line');
    const line = logs.raw.find((raw) => raw.includes('careless line'))!;
    assert.ok(line);
    for (const [what, secret] of Object.entries(secrets)) assert.ok(!line.includes(secret), `${what} leaked: ${line}`);
    assert.match(line, /\[Redacted\]/);
  });
});
