import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildTestInstances } from '../helpers/app.js';
import { issueToken, passwordFor, signUp, type TestClient } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { assertDatabaseConsistent } from '../helpers/invariants.js';

/** Requests per database (about: they come in batches of 1 to 4); FUZZ_RUNS=20000 for a longer search. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1000);
const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/** Stack frames, file paths, SQL and driver names: what an answer must never carry. */
const LEAKS = new RegExp([
  String.raw`\bat .+:\d+:\d+`, String.raw`\bat (async )?[\w.<>]+ \(`, 'node_modules', String.raw`\/src\/`,
  String.raw`\bSELECT\b`, String.raw`\bINSERT\b`, String.raw`\bUPDATE\b.*\bSET\b`, 'sqlite', 'syntax error', 'postgres',
  'relation "', 'TypeError', 'RangeError', 'FST_ERR',
].join('|'), 'i');
const CASE_SENSITIVE_WORDS = /\bSELECT\b|\bINSERT\b|\bUPDATE\b.*\bSET\b/;

interface RouteTemplate {
  path: string;
  methods: string[];
}

/**
 * Every route of the app, read from `printRoutes`: each line of its tree is a path segment indented
 * four characters per level under its parent, followed by the route's methods.
 */
function routesOf(app: FastifyInstance): RouteTemplate[] {
  const routes: RouteTemplate[] = [];
  const prefixes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1].length / 4;
    const path = (prefixes[depth - 1] ?? '') + match[2];
    prefixes[depth] = path;
    if (match[3]) routes.push({ path, methods: match[3].split(', ') });
  }
  return routes;
}

/** Percent-encodes every byte of the UTF-8 form but unreserved characters (lone surrogates become U+FFFD). */
function percentEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    encoded += /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 20 }),
);

/** A path segment as it appears in the URL: valid names and ids, and everything a router may choke on. */
const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('1', '2', '3', '4', 'bob', 'alice', 'carol', 'bob@example.com', 'BOB', 'current', 'read') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('0', '-1', '01', '1.0', '1e3', '0x1', '9007199254740993', '999999999999999999999', '', ' ',
      '..', '.', '%2e%2e', '%2E%2E%2F', '..%2f..%2fpackage.json', '%2F', '%00', 'a%00b', '%', '%zz', '%E0%A4%A', '%C0%AE',
      '%FF', '%u0041', '~', 'null', '__proto__', 'constructor', 'prototype', 'a;b', 'a,b', '%3F', '%23', '*', '%20bob'),
  },
  { weight: 3, arbitrary: anyText.map(percentEncode) },
  { weight: 1, arbitrary: fc.stringMatching(/^[\w.%~!$&'()*+,;=:@-]{0,16}$/) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4000 }).map((length) => 'a'.repeat(length)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 600 }).map((length) => '%C3%A9'.repeat(length)) },
);

const queryKey = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('page', 'page_size', 'search', 'before', 'after', 'around', 'limit', 'cursor') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'page[]', 'limit[0]', '') },
  { weight: 1, arbitrary: anyText.map(percentEncode) },
);
const queryValue = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('1', '2', '0', '-1', 'last', 'first', '1.5', '1e3', '1e309', 'NaN', 'Infinity', '-Infinity', '0x10',
    '99999999999999999999', '9007199254740993', '100', '101', '', ' 1', 'true', 'null', '%', '%zz', '%00', 'b', 'bob', '%25') },
  { weight: 2, arbitrary: fc.integer().map(String) },
  { weight: 3, arbitrary: anyText.map(percentEncode) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3000 }).map((length) => 'z'.repeat(length)) },
);
const queryString = fc.array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));

/** Values that reach the services: names of real users and ids of real messages as often as nonsense. */
const userName = fc.constantFrom('bob', 'alice', 'carol', 'BOB', 'bob@example.com', 'Carol@Example.com');
const identifier = fc.oneof(userName, fc.constantFrom('nobody', '', 'a'.repeat(255)), anyText);
const messageId = fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constantFrom(0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, '1', null));
const numberish = fc.oneof(messageId, fc.integer(), fc.double(), anyText);
const content = fc.oneof(
  { weight: 3, arbitrary: fc.string({ minLength: 1, maxLength: 40 }) },
  { weight: 2, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\n\t', '\u0000', 'a\u0000b', 'x'.repeat(10_000), 'x'.repeat(10_001), '\u{1F600}'.repeat(10_000)) },
);
const clientId = fc.oneof(
  { weight: 3, arbitrary: fc.uuid() },
  fc.constantFrom('00000000-0000-0000-0000-000000000000', 'URN:UUID:6BA7B810-9DAD-11D1-80B4-00C04FD430C8'),
  anyText,
);
const password = fc.oneof(fc.constantFrom('pw-carol-long-enough', 'pw-alice-long-enough', '12345678', 'password'), anyText);

/** A body shaped like each route's, with values that are valid as often as not, so that requests get past validation. */
const bodyShapes = {
  '/messages/': fc.record({ recipient: fc.oneof({ weight: 3, arbitrary: userName }, identifier), content, client_id: clientId },
    { requiredKeys: ['recipient', 'content'] }),
  '/messages/:id/': fc.record({ content }),
  '/conversations/:user/read/': fc.record({ up_to: fc.oneof(messageId, numberish) }),
  '/blocks/': fc.record({ user: fc.oneof(userName, identifier) }),
  '/login/': fc.record({ username: fc.oneof(userName, identifier), password }),
  '/tokens/': fc.record({ username: fc.oneof(userName, identifier), password }),
  '/register/': fc.record({ username: identifier, email: fc.oneof(fc.emailAddress(), anyText), password }),
};
const shapedBody = fc.oneof(
  ...Object.values(bodyShapes),
  fc.record({
    recipient: identifier, content, client_id: clientId, up_to: numberish, user: identifier, username: identifier, password,
  }, { requiredKeys: [] }),
);

const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 8, arbitrary: shapedBody.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.json({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: shapedBody.map((value) => new URLSearchParams(Object.entries(value).map(([k, v]) => [k, String(v)])).toString()) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"a":', '[]', 'null', '""', '{"__proto__": {"x": 1}}', '{"constructor": {"prototype": {}}}',
    '\u0000', '\uFEFF{}', '{"content": "\\ud800", "recipient": "bob"}', JSON.stringify({ recipient: 'bob', content: 'x'.repeat(1024 * 1024) })) },
);

const contentType = fc.option(fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 4, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json;',
    'application/json; charset=latin1', 'application/vnd.api+json', 'application/problem+json', 'application/x-www-form-urlencoded',
    'text/plain', 'text/html', 'multipart/form-data; boundary=----fuzz', 'application/octet-stream', 'application/xml', '*/*', ';',
    'json', 'application/', '/json') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{1,8}\/[a-z+.-]{1,12}(; ?[a-z]{1,8}=[\w-]{0,8})?$/) },
), { nil: undefined, freq: 10 });

const printable = fc.stringMatching(/^[\x20-\x7e]{0,40}$/);
const extraHeaders = fc.record({
  'idempotency-key': fc.oneof(printable, fc.uuid()),
  origin: fc.constantFrom('http://evil.example', 'null', 'http://localhost:80', 'http://localhost', 'https://localhost', 'garbage'),
  'x-csrftoken': printable,
  authorization: fc.oneof(fc.constantFrom('Token', 'Bearer ', 'Basic YTpi', 'Token x y'), printable.map((value) => `Token ${value}`)),
  accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/yaml'),
  cookie: fc.oneof(printable, fc.constantFrom('sessionid=', 'sessionid=x; csrftoken=y', 'sessionid=%', 'csrftoken=;;;')),
}, { requiredKeys: [] });
/** Mostly none, so that most requests are judged on what they ask rather than refused at the door. */
const occasionalHeaders = fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: extraHeaders });

type Auth = 'none' | 'session' | 'session-without-csrf' | 'token';

/** Anything at all: any route, method, path, query, body, content type and headers. */
const wildRequest = fc.record({
  routeIndex: fc.nat(),
  apiRoute: fc.constantFrom(true, true, true, false),
  mangle: fc.constantFrom('none', 'none', 'none', 'none', 'no-trailing-slash', 'double-slash', 'extra-segment', 'random-path'),
  randomPath: fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => `/${segments.join('/')}`),
  params: fc.array(fc.oneof({ weight: 2, arbitrary: fc.constantFrom('1', '2', '3', '4', '5', 'bob', 'alice', 'carol') }, segment),
    { minLength: 3, maxLength: 3 }),
  method: fc.option(fc.constantFrom(...METHODS), { nil: undefined, freq: 4 }),
  methodIndex: fc.nat(),
  query: queryString,
  body,
  routeBody: fc.record(bodyShapes),
  bodyFitsRoute: fc.constantFrom(true, true, false),
  contentType,
  headers: occasionalHeaders,
  auth: fc.constantFrom<Auth>('none', 'session', 'session', 'session', 'session-without-csrf', 'token', 'token'),
});

/**
 * A request as a client would make it (a route of the API with its own method, real users and message
 * ids, a JSON body of the route's shape, credentials) with only the values fuzzed: these get past
 * authentication and validation, and change the data whose consistency is checked at the end.
 */
const plausibleRequest = fc.record({
  routeIndex: fc.nat(),
  methodIndex: fc.nat(),
  messageId: fc.integer({ min: 1, max: 40 }).map(String),
  user: userName,
  query: fc.oneof(fc.constant(''), fc.tuple(
    fc.constantFrom('page', 'page_size', 'before', 'after', 'around', 'limit', 'search'),
    fc.oneof(fc.integer({ min: 1, max: 40 }).map(String), fc.constantFrom('last', 'b', '', '0')),
  ).map(([key, value]) => `?${key}=${encodeURIComponent(value)}`)),
  routeBody: fc.record(bodyShapes),
  auth: fc.constantFrom<Auth>('session', 'session', 'token'),
});

const request = fc.oneof(
  { weight: 3, arbitrary: wildRequest.map((input) => ({ kind: 'wild' as const, ...input })) },
  { weight: 2, arbitrary: plausibleRequest.map((input) => ({ kind: 'plausible' as const, ...input })) },
);

type FuzzRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

interface PlannedRequest {
  url: string;
  method: string;
  payload: string | undefined;
  contentType: string | undefined;
  headers: Record<string, string>;
  auth: Auth;
}

/** The documentation's own routes (Swagger UI files) are many; the API's are picked more often. */
const isDocumentation = (route: RouteTemplate) => /^\/(api\/)?docs/.test(route.path);
/** Logging in, registering and issuing tokens hash passwords (slow by design): left to the wild requests. */
const isCredentialRoute = (route: RouteTemplate) => /^\/(login|logout|register|tokens)\//.test(route.path);

/** How often each write is picked among the plausible requests, against 1 for every read. */
const WRITE_WEIGHTS: Record<string, number> = {
  'POST /messages/': 8, 'PATCH /messages/:id/': 3, 'DELETE /messages/:id/': 2, 'POST /conversations/:user/read/': 3,
  'POST /blocks/': 1, 'DELETE /blocks/:user/': 1,
};

function plausibleChoices(routes: RouteTemplate[]): { route: RouteTemplate; method: string }[] {
  return routes.filter((route) => !isDocumentation(route) && !isCredentialRoute(route) && route.path !== '/ws/')
    .flatMap((route) => route.methods.filter((method) => method !== 'HEAD').flatMap((method) =>
      Array.from({ length: WRITE_WEIGHTS[`${method} ${route.path}`] ?? 1 }, () => ({ route, method }))));
}

function plan(routes: RouteTemplate[], input: FuzzRequest): PlannedRequest {
  if (input.kind === 'plausible') {
    const choices = plausibleChoices(routes);
    const { route, method } = choices[input.routeIndex % choices.length];
    const shape = input.routeBody[route.path as keyof typeof bodyShapes];
    return {
      url: route.path.replace(':id', input.messageId).replace(/:\w+/g, encodeURIComponent(input.user)) + input.query,
      method,
      payload: shape === undefined || method === 'GET' ? undefined : JSON.stringify(shape),
      contentType: 'application/json',
      headers: {},
      auth: input.auth,
    };
  }
  const candidates = input.apiRoute ? routes.filter((route) => !isDocumentation(route)) : routes;
  const route = candidates[input.routeIndex % candidates.length];
  const shape = input.routeBody[route.path as keyof typeof bodyShapes];
  let index = 0;
  let path = route.path.replace(/:\w+|\*/g, () => input.params[index++ % input.params.length]);
  if (input.mangle === 'no-trailing-slash') path = path.replace(/\/$/, '');
  if (input.mangle === 'double-slash') path = path.replace(/\//, '//');
  if (input.mangle === 'extra-segment') path += `${input.params[0]}/`;
  if (input.mangle === 'random-path') path = input.randomPath;
  // The root without its slash is still the root: an HTTP request line always has a path.
  if (path === '') path = '/';
  return {
    url: path + input.query,
    method: input.method ?? route.methods[input.methodIndex % route.methods.length],
    payload: input.bodyFitsRoute && shape !== undefined ? JSON.stringify(shape) : input.body,
    contentType: input.contentType,
    headers: input.headers as Record<string, string>,
    auth: input.auth,
  };
}

function assertSafe(res: LightMyRequestResponse, label: string): void {
  assert.ok(res.statusCode < 500, `${label} -> ${res.statusCode} ${res.body.slice(0, 500)}`);
  if (res.statusCode < 400) return;
  const leak = LEAKS.exec(res.body);
  if (leak && (!CASE_SENSITIVE_WORDS.test(leak[0]) || CASE_SENSITIVE_WORDS.test(res.body))) {
    assert.fail(`${label} -> ${res.statusCode} leaks "${leak[0]}": ${res.body.slice(0, 500)}`);
  }
  if (res.body === '') return;
  assert.match(String(res.headers['content-type']), /^application\/json/, `${label} -> ${res.statusCode}: error content type`);
  const parsed = JSON.parse(res.body) as Record<string, unknown>;
  const isDetail = typeof parsed.detail === 'string' && Object.keys(parsed).length === 1;
  const isFieldErrors = Object.values(parsed).every((value) => typeof value === 'string'
    || (Array.isArray(value) && value.every((message) => typeof message === 'string')));
  assert.ok(isDetail || isFieldErrors, `${label} -> ${res.statusCode}: not a DRF error: ${res.body.slice(0, 300)}`);
}

describeEachDatabase('fuzzing every route', (kind) => {
  // Found by the search below: Ajv coerces these to numbers that skip its integer and range checks.
  test('Infinity in a query is a 400 naming the field, not a 500', async (t) => {
    const [{ app }] = await buildTestInstances(t, kind, 1);
    const alice = await signUp(app, 'alice');
    await signUp(app, 'bob');
    for (const [url, field] of [['/conversations/?limit=Infinity', 'limit'], ['/conversations/?before=-Infinity', 'before'],
      ['/list-messages/bob/?after=Infinity', 'after'], ['/list-messages/bob/?before=1&limit=-Infinity', 'limit']]) {
      const res = await alice.get(url);
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
      assert.deepEqual(res.json(), { [field]: ['A valid integer is required.'] }, url);
    }
  });

  test('arbitrary requests never get a 5xx or a leak, and leave the data consistent', { timeout: Math.max(120_000, RUNS * 100) }, async (t) => {
    const logged: string[] = [];
    const [{ app, testDatabase }] = await buildTestInstances(t, kind, 1, {}, {
      logger: { level: 'error', stream: { write: (line: string) => logged.push(line) } },
    });
    // Durability has tests of its own; here a disk flush per send would only slow the search down.
    if (kind === 'sqlite') await sql`pragma synchronous = OFF`.execute(testDatabase.database.db);
    const alice = await signUp(app, 'alice');
    const bob = await signUp(app, 'bob');
    const carol = await signUp(app, 'carol');
    for (const [from, to] of [[alice, 'bob'], [bob, 'alice'], [carol, 'alice'], [alice, 'alice'], [bob, 'carol']] as const) {
      assert.equal((await from.post('/messages/', { recipient: to, content: `hi ${to}` })).statusCode, 201);
    }
    assert.equal((await bob.post('/blocks/', { user: 'carol' })).statusCode, 201);
    let token = await issueToken(app, 'carol');
    const routes = routesOf(app);
    assert.ok(routes.length >= 15, `routes found: ${JSON.stringify(routes)}`);

    /** A request may have deleted the account (`DELETE /me/` with the right password): it is registered anew then. */
    async function registerIfDeleted(username: string): Promise<void> {
      const res = await app.inject({
        method: 'POST', url: '/register/', payload: { username, email: `${username}@example.com`, password: passwordFor(username) },
      });
      assert.ok(res.statusCode === 201 || res.statusCode === 400, `register ${username} again: ${res.statusCode} ${res.body}`);
    }

    /** A request may have logged the session out, replaced it, revoked the token or deleted the account: start again then. */
    async function keepCredentialsAlive(client: TestClient, username: string): Promise<void> {
      if ((await client.get('/me/')).statusCode !== 200) {
        client.cookies.clear();
        client.csrfToken = null;
        if ((await client.login(username)).statusCode !== 200) {
          await registerIfDeleted(username);
          assert.equal((await client.login(username)).statusCode, 200);
        }
      }
      const me = await app.inject({ method: 'GET', url: '/me/', headers: { authorization: `Token ${token}` } });
      if (me.statusCode !== 200) {
        await registerIfDeleted('carol');
        token = await issueToken(app, 'carol');
      }
    }

    const users = [[alice, 'alice'], [bob, 'bob']] as const;
    let runs = 0;
    /** FUZZ_STATS=1 prints how many requests got which status, to see what the search reaches. */
    const stats = new Map<string, number>();
    t.after(() => {
      if (process.env.FUZZ_STATS) console.log([...stats].sort());
    });
    async function send(input: FuzzRequest, index: number): Promise<void> {
      const planned = plan(routes, input);
      const [client, username] = users[index % users.length];
      const headers: Record<string, string> = { ...planned.headers };
      if (planned.contentType !== undefined) headers['content-type'] = planned.contentType;
      if (planned.auth === 'session' || planned.auth === 'session-without-csrf') {
        headers.cookie = [...client.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
        if (planned.auth === 'session') headers['x-csrftoken'] = client.csrfToken ?? '';
      }
      if (planned.auth === 'token') headers.authorization = `Token ${token}`;
      const { url, method } = planned;
      const options: InjectOptions = { method: method as InjectOptions['method'], url, headers };
      if (planned.payload !== undefined && method !== 'GET' && method !== 'HEAD') options.payload = planned.payload;
      const label = `${method} ${url.slice(0, 200)} (${planned.auth}, ${headers['content-type'] ?? 'no content type'})`;
      const res = await app.inject(options);
      const outcome = `${input.kind} ${method} ${res.statusCode}`;
      stats.set(outcome, (stats.get(outcome) ?? 0) + 1);
      try {
        assertSafe(res, label);
      } catch (error) {
        throw new Error(`${(error as Error).message}\nlogged: ${logged.join('').slice(0, 2000)}`, { cause: error });
      }
      if (res.statusCode < 300 && /^\/+(login|logout|tokens)/.test(url)) await keepCredentialsAlive(client, username);
    }

    // A few requests at a time, at once: sends, edits, deletes and read marks racing each other.
    await fc.assert(fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      logged.length = 0;
      await Promise.all(batch.map((input, i) => send(input, runs + i)));
      runs += batch.length;
    }), {
      numRuns: Math.ceil(RUNS / 2.5),
      // Requests change the app's state, so a failing one is reported as it was met, not shrunk.
      endOnFailure: true,
      includeErrorInReport: true,
      ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
    });

    await assertDatabaseConsistent(testDatabase.database.db);
  });
});
