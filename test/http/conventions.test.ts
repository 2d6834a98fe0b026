import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../helpers/app.js';
import { passwordFor, register, signUp, TestClient } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';

const JSON_TYPE = 'application/json; charset=utf-8';
const ONE_MIB = 1024 * 1024;

/** What must never reach a client: stack frames, file paths, SQL, driver names, raw error names. */
const LEAKS = /\bat .+:\d+:\d+|node_modules|\/src\/|\.ts\b|\bselect\b.*\bfrom\b|\binsert into\b|\bupdate\b.*\bset\b|sqlite|postgres|\bpg\b|syntax error|constraint|relation "|TypeError|RangeError|ReferenceError|FST_ERR|statusCode/i;

function assertSafe(res: LightMyRequestResponse, label: string): void {
  assert.ok(res.statusCode < 500, `${label}: ${res.statusCode} ${res.body}`);
  assert.doesNotMatch(res.body, LEAKS, `${label} leaks internals: ${res.body.slice(0, 300)}`);
  if (res.statusCode >= 400) {
    assert.equal(res.headers['content-type'], JSON_TYPE, `${label}: error content type`);
    const body = res.json();
    const isDetail = Object.keys(body).length === 1 && typeof body.detail === 'string';
    const isFieldErrors = Object.values(body).every((value) => typeof value === 'string' || Array.isArray(value));
    assert.ok(isDetail || isFieldErrors, `${label}: not a DRF error shape: ${res.body}`);
  }
}

const post = (app: FastifyInstance, url: string, payload: string, contentType: string) =>
  app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType } });

/** Follows redirects the way a browser does, to the page at the end. */
async function getFollowingRedirects(app: FastifyInstance, url: string): Promise<LightMyRequestResponse> {
  let res = await app.inject({ method: 'GET', url });
  for (let hops = 0; res.statusCode >= 300 && res.statusCode < 400 && hops < 5; hops += 1) {
    res = await app.inject({ method: 'GET', url: new URL(String(res.headers.location), `http://localhost${url}`).pathname });
  }
  return res;
}

describeEachDatabase('request bodies', (kind) => {
  test('malformed JSON is a 400 whose detail starts with "JSON parse error - "', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (const payload of ['{"username": "alice",', '{bad}', "{'username': 'alice'}", '{"a": 1}}', 'nul']) {
      const res = await post(app, '/register/', payload, 'application/json');
      assert.equal(res.statusCode, 400, payload);
      const body = res.json();
      assert.deepEqual(Object.keys(body), ['detail']);
      assert.ok(body.detail.startsWith('JSON parse error - '), body.detail);
    }
  });

  test('malformed JSON from a logged-in user is reported the same way', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.post('/messages/', '{"recipient": "bob", "content": "hi"', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.match(res.json().detail, /^JSON parse error - /);
  });

  test('JSON with a charset parameter in its content type is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const contentTypes = ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON'];
    for (const [i, contentType] of contentTypes.entries()) {
      const username = `user${i}`;
      const payload = JSON.stringify({ username, email: `${username}@example.com`, password: passwordFor(username) });
      const res = await post(app, '/register/', payload, contentType);
      assert.equal(res.statusCode, 201, `${contentType}: ${res.body}`);
    }
    const bob = await signUp(app, 'bob');
    const sent = await bob.post('/messages/', JSON.stringify({ recipient: 'user0', content: 'hi' }),
      { 'content-type': 'application/json; charset=utf-8' });
    assert.equal(sent.statusCode, 201, sent.body);
  });

  test('a form-encoded body is accepted, as DRF does', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await post(app, '/register/', `username=alice&email=alice%40example.com&password=${passwordFor('alice')}`,
      'application/x-www-form-urlencoded');
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().username, 'alice');
  });

  test('a text/plain body is refused with 415', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await post(app, '/register/', '{"username": "alice"}', 'text/plain');
    assert.equal(res.statusCode, 415);
    assert.deepEqual(res.json(), { detail: 'Unsupported media type "text/plain" in request.' });
  });

  test('a text/plain message from a logged-in user is refused with 415 and not stored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.post('/messages/', '{"recipient": "bob", "content": "hi"}', { 'content-type': 'text/plain' });
    assert.equal(res.statusCode, 415);
    assert.deepEqual(res.json(), { detail: 'Unsupported media type "text/plain" in request.' });
    assert.deepEqual(await testDatabase.database.db.selectFrom('messages').selectAll().execute(), []);
  });

  test('a body over 1 MiB is refused with 413', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const padding = ' '.repeat(ONE_MIB);
    const registration = await post(app, '/register/', `{"username": "bob"}${padding}`, 'application/json');
    assert.equal(registration.statusCode, 413);
    assert.deepEqual(Object.keys(registration.json()), ['detail']);
    const send = await alice.post('/messages/', JSON.stringify({ recipient: 'alice', content: 'x'.repeat(ONE_MIB) }),
      { 'content-type': 'application/json' });
    assert.equal(send.statusCode, 413);
    assert.deepEqual(Object.keys(send.json()), ['detail']);
  });

  test('a body of exactly 1 MiB is read and validated', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const json = JSON.stringify({ recipient: 'alice', content: 'hi' });
    const res = await alice.post('/messages/', json + ' '.repeat(ONE_MIB - json.length), { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 201, res.body);
  });

  test('deeply nested or very long JSON is a 400 and stores nothing, even at a depth that would exhaust a stack', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const json = { 'content-type': 'application/json' };
    const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    for (const body of [
      `{"recipient": "alice", "content": "hi", "extra": ${deep(16)}}`,
      `{"recipient": "alice", "content": "hi", "extra": ${deep(400_000)}}`,
      JSON.stringify({ recipient: 'alice', content: 'hi', extra: Array.from({ length: 1001 }, () => 0) }),
    ]) {
      const res = await alice.post('/messages/', body, json);
      assert.equal(res.statusCode, 400, res.body.slice(0, 200));
      assert.match(res.json().detail, /^JSON parse error - /);
    }
    assert.deepEqual(await testDatabase.database.db.selectFrom('messages').selectAll().execute(), []);
    const shallow = await alice.post('/messages/', `{"recipient": "alice", "content": "hi", "extra": ${deep(15)}}`, json);
    assert.equal(shallow.statusCode, 201, shallow.body);
  });
});

describeEachDatabase('paths and methods', (kind) => {
  test('a GET without the trailing slash redirects with 301 to the slash path, keeping the query', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const cases: [string, string][] = [
      ['/users-list', '/users-list/'],
      ['/users-list?page=2&search=al', '/users-list/?page=2&search=al'],
      ['/list-messages/bob', '/list-messages/bob/'],
      ['/list-messages/bob?page=last', '/list-messages/bob/?page=last'],
      ['/messages/5', '/messages/5/'],
      ['/logout', '/logout/'],
      ['/api/schema', '/api/schema/'],
      ['/api/docs', '/api/docs/'],
      ['/docs', '/docs/'],
      ['/docs?url=x', '/docs/?url=x'],
    ];
    for (const [from, to] of cases) {
      const res = await app.inject({ method: 'GET', url: from });
      assert.equal(res.statusCode, 301, from);
      assert.equal(res.headers.location, to, from);
    }
  });

  test('a path whose slash version does not exist is 404, not a redirect', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (const url of ['/nothing', '/nothing/', '/messages/5/extra', '/list-messages', '//users-list', '/api']) {
      const res = await app.inject({ method: 'GET', url });
      assert.equal(res.statusCode, 404, url);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('a wrong method on a known path is 405 naming the method, with an Allow header', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const put = await app.inject({ method: 'PUT', url: '/register/' });
    assert.equal(put.statusCode, 405);
    assert.deepEqual(put.json(), { detail: 'Method "PUT" not allowed.' });
    assert.equal(put.headers.allow, 'POST');
    const del = await app.inject({ method: 'DELETE', url: '/list-messages/bob/' });
    assert.equal(del.statusCode, 405);
    assert.deepEqual(del.json(), { detail: 'Method "DELETE" not allowed.' });
    assert.match(String(del.headers.allow), /\bGET\b/);
    const get = await app.inject({ method: 'GET', url: '/register/' });
    assert.equal(get.statusCode, 405);
    assert.deepEqual(get.json(), { detail: 'Method "GET" not allowed.' });
  });

  test('a path that cannot be decoded is 404 in DRF\'s shape', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const url of ['/list-messages/%ZZ/', '/list-messages/%C0%AF/', '/messages/%E0%A4%A/']) {
      const res = await alice.get(url);
      assert.equal(res.statusCode, 404, url);
      assert.equal(res.headers['content-type'], JSON_TYPE);
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });

  test('a path segment longer than any name is 404 in DRF\'s shape', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    for (const url of [`/list-messages/${'a'.repeat(1000)}/`, `/messages/${'1'.repeat(1000)}/`]) {
      const res = await alice.get(url);
      assert.equal(res.statusCode, 404, url.slice(0, 30));
      assert.deepEqual(res.json(), { detail: 'Not found.' });
    }
  });
});

describeEachDatabase('error responses', (kind) => {
  test('every kind of error is JSON with a JSON content type', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const anonymous = new TestClient(app);
    const responses: [string, LightMyRequestResponse][] = [
      ['400 field errors', await alice.post('/messages/', {})],
      ['400 recipient not found', await alice.post('/messages/', { recipient: 'nobody', content: 'hi' })],
      ['400 malformed JSON', await alice.post('/messages/', '{', { 'content-type': 'application/json' })],
      ['401 bad login', await anonymous.post('/login/', { username: 'alice', password: 'wrong password' })],
      ['403 anonymous', await anonymous.get('/messages/')],
      ['403 csrf', await alice.post('/messages/', { recipient: 'alice', content: 'hi' }, { 'x-csrftoken': 'wrong' })],
      ['404 unknown message', await alice.get('/messages/12345/')],
      ['404 invalid page', await alice.get('/messages/?page=9')],
      ['404 unknown path', await alice.get('/nothing/')],
      ['405', await alice.request('PUT', '/messages/')],
      ['413', await alice.post('/messages/', 'x'.repeat(ONE_MIB + 1), { 'content-type': 'application/json' })],
      ['415', await alice.post('/messages/', 'hi', { 'content-type': 'text/plain' })],
    ];
    for (const [label, res] of responses) {
      assert.equal(String(res.statusCode), label.slice(0, 3), `${label}: ${res.body}`);
      assert.equal(res.headers['content-type'], JSON_TYPE, label);
      assert.doesNotThrow(() => res.json(), label);
    }
  });

  test('nasty inputs never get a 500, a stack trace or SQL back', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const json = { 'content-type': 'application/json' };
    const requests: [string, () => Promise<LightMyRequestResponse>][] = [
      ['huge page', () => alice.get('/messages/?page=99999999999999999999999999')],
      ['float page', () => alice.get('/messages/?page=1e308')],
      ['negative page', () => alice.get('/list-messages/bob/?page=-1')],
      ['NaN page', () => alice.get('/list-messages/bob/?page=NaN')],
      ['15-digit page', () => alice.get('/list-messages/bob/?page=999999999999999')],
      ['huge page_size', () => alice.get('/list-messages/bob/?page_size=99999999999999999999999')],
      ['repeated page', () => alice.get('/list-messages/bob/?page=1&page=2')],
      ['users-list huge page', () => alice.get('/users-list/?page=99999999999999999999')],
      ['NUL in a path', () => alice.get('/list-messages/%00/')],
      ['NUL in a username', () => alice.get('/list-messages/bob%00/')],
      ['NUL in an email', () => alice.get('/list-messages/bob%00@example.com/')],
      ['NUL as a message id', () => alice.get('/messages/%00/')],
      ['NUL in page', () => alice.get('/list-messages/bob/?page=%00')],
      ['unicode name', () => alice.get('/list-messages/%E2%80%AE%F0%9F%98%80%E0%A4%B9/')],
      ['wildcards in a name', () => alice.get('/list-messages/%25/')],
      ['quote in a name', () => alice.get(`/list-messages/${encodeURIComponent("bob' OR '1'='1")}/`)],
      ['bigint overflow id', () => alice.get('/messages/9223372036854775808/')],
      ['__proto__ key', () => alice.post('/messages/', '{"recipient": "bob", "content": "hi", "__proto__": {"admin": true}}', json)],
      ['constructor.prototype key', () => alice.post('/messages/', '{"recipient": "bob", "content": "hi", "constructor": {"prototype": {"admin": true}}}', json)],
      ['__proto__ form field', () => alice.post('/messages/', '__proto__=x&recipient=bob&content=hi', { 'content-type': 'application/x-www-form-urlencoded' })],
      ['__proto__ at registration', () => alice.post('/register/', '{"__proto__": {"username": "x"}}', json)],
      ['NUL in a recipient', () => alice.post('/messages/', { recipient: 'bob\u0000', content: 'hi' })],
      ['long recipient', () => alice.post('/messages/', { recipient: 'b'.repeat(5000), content: 'hi' })],
      ['object recipient', () => alice.post('/messages/', { recipient: { $gt: '' }, content: 'hi' })],
      ['huge number content', () => alice.post('/messages/', '{"recipient": "bob", "content": 1e999}', json)],
      ['lone surrogate', () => alice.post('/messages/', '{"recipient": "bob", "content": "\\ud800"}', json)],
      ['deep nesting', () => alice.post('/messages/', `{"recipient": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, json)],
      ['a JSON string body', () => alice.post('/messages/', '"hello"', json)],
      ['a JSON null body', () => alice.post('/messages/', 'null', json)],
      ['invalid UTF-8', () => alice.post('/messages/', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json)],
      ['SQL in a username', () => app.inject({ method: 'POST', url: '/register/', payload: { username: "x'); DROP TABLE users;--", email: 'x@example.com', password: 'pw-long-enough-1' } })],
      ['bad Idempotency-Key', () => alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { 'idempotency-key': ' ' })],
    ];
    for (const [label, send] of requests) assertSafe(await send(), label);
    const stillWorks = await alice.post('/messages/', { recipient: 'bob', content: 'after all that' });
    assert.equal(stillWorks.statusCode, 201);
  });
});

describeEachDatabase('API documentation', (kind) => {
  test('the document says which operations need no credentials: registering, logging in and out, asking for a token', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const schema = (await app.inject({ method: 'GET', url: '/api/schema/' })).json();
    // 3.1, whose Schema Objects are JSON Schema like the ones the routes validate with.
    assert.equal(schema.openapi, '3.1.0');
    for (const [path, method] of [['/register/', 'post'], ['/login/', 'post'], ['/tokens/', 'post'], ['/logout/', 'get']]) {
      assert.ok(schema.paths[path][method].security.some((requirement: object) => Object.keys(requirement).length === 0),
        `${method.toUpperCase()} ${path} is documented as needing credentials`);
    }
    assert.equal(schema.paths['/messages/'].post.security, undefined, 'sending needs the document\'s default credentials');
  });

  test('/api/schema/ is an OpenAPI 3 document listing every Part A path', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await app.inject({ method: 'GET', url: '/api/schema/' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^application\/json/);
    const schema = res.json();
    assert.match(schema.openapi, /^3\.\d+\.\d+$/);
    assert.ok(schema.info?.title);
    const operations: [string, string][] = [
      ['/register/', 'post'],
      ['/login/', 'post'],
      ['/logout/', 'get'],
      ['/logout/', 'post'],
      ['/users-list/', 'get'],
      ['/messages/', 'post'],
      ['/list-messages/{recipient}/', 'get'],
    ];
    for (const [path, method] of operations) {
      assert.ok(schema.paths[path]?.[method], `${method.toUpperCase()} ${path} is missing from the schema`);
    }
    const send = schema.paths['/messages/'].post;
    assert.ok(send.responses['201'] && send.responses['400'] && send.responses['403']);
    const parameters = schema.paths['/list-messages/{recipient}/'].get.parameters.map((p: { name: string }) => p.name);
    assert.deepEqual(parameters.sort(), ['after', 'around', 'before', 'limit', 'page', 'page_size', 'recipient']);
  });

  test('/api/docs/ serves Swagger UI', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await getFollowingRedirects(app, '/api/docs/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /swagger-ui/i);
  });

  test('/docs/ serves Swagger UI', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await getFollowingRedirects(app, '/docs/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /swagger-ui/i);
  });
});
