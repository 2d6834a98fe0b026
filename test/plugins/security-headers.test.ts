import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import { test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildTestApp } from '../helpers/app.js';
import { register, signUp, TestClient } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

type Headers = Record<string, string | string[] | number | undefined>;

const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function assertCommonHeaders(headers: Headers, label: string): void {
  assert.equal(headers['x-content-type-options'], 'nosniff', label);
  assert.equal(headers['referrer-policy'], 'same-origin', label);
  assert.equal(headers['x-frame-options'], 'DENY', label);
  const csp = String(headers['content-security-policy']);
  assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/, `${label}: ${csp}`);
  assert.doesNotMatch(csp, /unsafe-eval/, label);
}

function assertApiHeaders(res: LightMyRequestResponse, label: string): void {
  assertCommonHeaders(res.headers, `${label} (${res.statusCode})`);
  assert.equal(res.headers['content-security-policy'], API_CSP, label);
}

/** The directives of a CSP, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => part.trim()).filter(Boolean).map((part) => {
    const [name, ...values] = part.split(/\s+/);
    return [name, values];
  }));
}

/** The page at the end of the redirects, and every response on the way. */
async function follow(app: FastifyInstance, url: string): Promise<LightMyRequestResponse[]> {
  const responses = [await app.inject({ method: 'GET', url })];
  while (responses.at(-1)!.statusCode >= 300 && responses.at(-1)!.statusCode < 400 && responses.length < 5) {
    const next = new URL(String(responses.at(-1)!.headers.location), `http://localhost${url}`).pathname;
    responses.push(await app.inject({ method: 'GET', url: next }));
  }
  return responses;
}

describeEachDatabase('security headers', (kind) => {
  test('every kind of API response carries them, errors and redirects included', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const anonymous = new TestClient(app);
    const responses: [string, LightMyRequestResponse][] = [
      ['200', await alice.get('/me/')],
      ['201', await alice.post('/messages/', { recipient: 'bob', content: 'hi' })],
      ['301', await alice.get('/users-list')],
      ['400', await alice.post('/messages/', {})],
      ['401', await anonymous.post('/login/', { username: 'alice', password: 'wrong password' })],
      ['401 token', await anonymous.get('/me/', { authorization: 'Token nope' })],
      ['403', await anonymous.get('/messages/')],
      ['403 origin', await alice.post('/messages/', { recipient: 'bob', content: 'hi' }, { origin: 'https://evil.example' })],
      ['404', await alice.get('/nothing/')],
      ['404 bad URL', await alice.get('/list-messages/%ZZ/')],
      ['404 long segment', await alice.get(`/list-messages/${'a'.repeat(1000)}/`)],
      ['405', await alice.request('PUT', '/messages/')],
      ['413', await alice.post('/messages/', 'x'.repeat(1024 * 1024 + 1), { 'content-type': 'application/json' })],
      ['415', await alice.post('/messages/', 'hi', { 'content-type': 'text/plain' })],
      ['200 schema', await app.inject({ method: 'GET', url: '/api/schema/' })],
      ['200 healthz', await app.inject({ method: 'GET', url: '/healthz' })],
      ['200 metrics', await app.inject({ method: 'GET', url: '/metrics' })],
    ];
    for (const [label, res] of responses) {
      assert.equal(String(res.statusCode), label.slice(0, 3), `${label}: ${res.body.slice(0, 200)}`);
      assertApiHeaders(res, label);
    }
  });

  test('a 500 carries them too', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await testDatabase.database.destroy();
    const res = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'alice', password: 'whatever it is' } });
    assert.equal(res.statusCode, 500);
    assertApiHeaders(res, '500');
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    assertApiHeaders(ready, '503');
  });

  test('they reach the wire, and a refused WebSocket handshake carries them', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    for (const url of ['/healthz', '/nothing/', '/api/docs/']) {
      const res = await fetch(baseUrl + url, { redirect: 'manual' });
      assertCommonHeaders(Object.fromEntries(res.headers), url);
      await res.arrayBuffer();
    }
    const refusal = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${baseUrl}/ws/`, {
        headers: {
          connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
          'sec-websocket-key': randomBytes(16).toString('base64'), 'sec-websocket-protocol': 'messaging.v1',
        },
      });
      req.once('response', (res) => { res.resume(); resolve(res); });
      req.once('upgrade', () => reject(new Error('the handshake was accepted')));
      req.once('error', reject);
      req.end();
    });
    assert.equal(refusal.statusCode, 401);
    assertCommonHeaders(refusal.headers, 'refused handshake');
  });

  for (const prefix of ['/api/docs', '/docs']) {
    test(`the Swagger UI at ${prefix}/ and every script and stylesheet it loads carry them, under a CSP it works with`, async (t) => {
      const { app } = await buildTestApp(t, kind);
      const chain = await follow(app, `${prefix}/`);
      const page = chain.at(-1)!;
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /^text\/html/);
      for (const res of chain) assertCommonHeaders(res.headers, `${prefix}/ (${res.statusCode})`);

      const csp = directives(String(page.headers['content-security-policy']));
      assert.deepEqual(csp.get('script-src'), ["'self'"], 'scripts only from this origin, none inline');
      assert.deepEqual(csp.get('frame-ancestors'), ["'none'"]);
      assert.ok(csp.get('style-src')?.includes("'self'"));
      assert.ok(csp.get('connect-src')?.includes("'self'") ?? csp.get('default-src')?.includes("'self'"),
        'the page fetches the OpenAPI document and makes "Try it out" requests to this origin');

      // No inline script: every <script> has a src, so script-src 'self' lets all of them run.
      const scripts = [...page.body.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length >= 3);
      for (const [, attributes, inline] of scripts) {
        assert.match(attributes, /\bsrc="/);
        assert.equal(inline.trim(), '');
      }
      assert.doesNotMatch(page.body, /\son[a-z]+=/i, 'no inline event handlers');

      const assets = [...page.body.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
      assert.ok(assets.some((asset) => asset.endsWith('.js')) && assets.some((asset) => asset.endsWith('.css')));
      const pageUrl = new URL(`http://localhost${prefix}/`);
      for (const asset of assets) {
        const url = new URL(asset, pageUrl);
        assert.equal(url.origin, pageUrl.origin, `${asset} is served by this origin`);
        const res = await app.inject({ method: 'GET', url: url.pathname });
        assert.equal(res.statusCode, 200, asset);
        assertCommonHeaders(res.headers, asset);
        if (asset.endsWith('.js')) assert.match(String(res.headers['content-type']), /javascript/, asset);
        if (asset.endsWith('.css')) assert.match(String(res.headers['content-type']), /^text\/css/, asset);
      }
      const spec = await app.inject({ method: 'GET', url: `${prefix}/json` });
      assert.equal(spec.statusCode, 200);
      assertCommonHeaders(spec.headers, `${prefix}/json`);
    });
  }
});
