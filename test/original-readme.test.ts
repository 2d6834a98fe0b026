import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { buildTestApp } from './helpers/app.js';
import { describeEachDatabase, type DatabaseKind } from './helpers/databases.js';

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json(): ReturnType<typeof JSON.parse>;
}

/**
 * A client over a real socket that keeps cookies the way Postman and browsers do, and sends the
 * headers it is told to keep (Postman's "Headers" tab) on every request.
 */
class HttpClient {
  readonly cookies = new Map<string, string>();
  readonly headers = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async request(method: string, path: string, body?: unknown): Promise<Reply> {
    const headers: Record<string, string> = Object.fromEntries(this.headers);
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), redirect: 'follow',
    });
    for (const line of res.headers.getSetCookie()) this.keepCookie(line);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
  }

  get(path: string) { return this.request('GET', path); }
  post(path: string, body?: unknown) { return this.request('POST', path, body); }

  private keepCookie(line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const name = pair.slice(0, pair.indexOf('='));
    const value = pair.slice(pair.indexOf('=') + 1);
    const expired = attributes.some((attribute) => /^max-age=0$/i.test(attribute)
      || (/^expires=/i.test(attribute) && Date.parse(attribute.slice('expires='.length)) <= Date.now()));
    if (expired || value === '') this.cookies.delete(name);
    else this.cookies.set(name, value);
  }
}

/** The app listening on a real port, as `python manage.py runserver` would be. */
async function startServer(t: TestContext, kind: DatabaseKind, env: Record<string, string> = {}): Promise<string> {
  const { app } = await buildTestApp(t, kind, env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  assert.ok(address && typeof address === 'object');
  return `http://127.0.0.1:${address.port}`;
}

const ALICE = { username: 'alice', email: 'alice@example.com', password: 'correct horse battery staple' };
const BOB = { username: 'bob', email: 'bob@example.com', password: 'another long passphrase' };

async function registerBoth(baseUrl: string): Promise<void> {
  for (const user of [ALICE, BOB]) {
    const res = await new HttpClient(baseUrl).post('/register/', user);
    assert.equal(res.status, 201, res.text);
  }
}

/** README, "CSRF Token Usage in Postman": log in, then copy csrf_token into the X-CSRFToken header. */
async function postmanLogin(baseUrl: string, user: { username: string; password: string }): Promise<HttpClient> {
  const postman = new HttpClient(baseUrl);
  const login = await postman.post('/login/', { username: user.username, password: user.password });
  assert.equal(login.status, 200, login.text);
  postman.headers.set('X-CSRFToken', login.json().csrf_token);
  return postman;
}

describeEachDatabase('the original README, followed over a real socket', (kind) => {
  test('the README walkthrough works from registration to logout', async (t) => {
    const baseUrl = await startServer(t, kind);
    const postman = new HttpClient(baseUrl);
    assert.equal((await postman.post('/register/', ALICE)).status, 201);
    assert.equal((await postman.post('/register/', BOB)).status, 201);
    const login = await postman.post('/login/', { username: 'alice', password: ALICE.password });
    assert.equal(login.status, 200);
    postman.headers.set('X-CSRFToken', login.json().csrf_token);
    const users = await postman.get('/users-list/');
    assert.deepEqual(users.json().results.map((u: { username: string }) => u.username), ['bob']);
    const sent = await postman.post('/messages/', { recipient: 'bob', content: 'Hello, Bob!' });
    assert.equal(sent.status, 201);
    const list = await postman.get('/list-messages/bob/');
    assert.deepEqual(list.json().results, [sent.json()]);
    assert.equal((await postman.get('/logout/')).status, 200);
    const afterLogout = await postman.post('/messages/', { recipient: 'bob', content: 'Hello again' });
    assert.equal(afterLogout.status, 403);
  });

  test('registering answers 201 with the new user\'s id, username and email', async (t) => {
    const baseUrl = await startServer(t, kind);
    const res = await new HttpClient(baseUrl).post('/register/', ALICE);
    assert.equal(res.status, 201);
    assert.match(String(res.headers.get('content-type')), /^application\/json/);
    const user = res.json();
    assert.deepEqual(user, { id: user.id, username: 'alice', email: 'alice@example.com' });
    assert.ok(Number.isInteger(user.id));
  });

  test('logging in returns a CSRF token in the body and sets the session and CSRF cookies', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = new HttpClient(baseUrl);
    const login = await postman.post('/login/', { username: 'alice', password: ALICE.password });
    assert.equal(login.status, 200);
    assert.equal(login.json().detail, 'Logged in.');
    assert.match(login.json().csrf_token, /^[a-zA-Z0-9]{64}$/);
    assert.deepEqual(login.json().user, { id: login.json().user.id, username: 'alice', email: 'alice@example.com' });
    assert.ok(postman.cookies.get('sessionid'));
    assert.match(postman.cookies.get('csrftoken')!, /^[a-zA-Z0-9]{32}$/);
  });

  test('a message sent with the token from the login response shows up in /list-messages/<recipient>/', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    const sent = await postman.post('/messages/', { recipient: 'bob', content: 'Hello, Bob!' });
    assert.equal(sent.status, 201, sent.text);
    assert.equal(sent.json().content, 'Hello, Bob!');
    const list = await postman.get('/list-messages/bob/');
    assert.equal(list.status, 200);
    assert.equal(list.json().count, 1);
    assert.deepEqual(list.json().results, [sent.json()]);
  });

  test('the recipient sees the same conversation from their side', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const alice = await postmanLogin(baseUrl, ALICE);
    const sent = await alice.post('/messages/', { recipient: 'bob@example.com', content: 'Hello by email' });
    assert.equal(sent.status, 201);
    const bob = await postmanLogin(baseUrl, BOB);
    const reply = await bob.post('/messages/', { recipient: 'alice', content: 'Hello back' });
    assert.equal(reply.status, 201);
    const list = await bob.get('/list-messages/alice/');
    assert.deepEqual(list.json().results.map((m: { content: string }) => m.content), ['Hello by email', 'Hello back']);
  });

  test('the users list shows the other user and leaves out the caller', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    const res = await postman.get('/users-list/');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      count: 1, next: null, previous: null, results: [{ id: res.json().results[0].id, username: 'bob', email: null }],
    });
  });

  test('with EMAIL_VISIBILITY=everyone the users list shows emails, as the original service did', async (t) => {
    const baseUrl = await startServer(t, kind, { EMAIL_VISIBILITY: 'everyone' });
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    const res = await postman.get('/users-list/');
    assert.deepEqual(res.json().results, [{ id: res.json().results[0].id, username: 'bob', email: 'bob@example.com' }]);
  });

  test('pagination links point back at the server that answered', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    for (let i = 0; i < 3; i += 1) await postman.post('/messages/', { recipient: 'bob', content: `hi ${i}` });
    const page1 = await postman.get('/list-messages/bob/?page_size=2');
    assert.equal(page1.json().next, `${baseUrl}/list-messages/bob/?page=2&page_size=2`);
    const page2 = await postman.get(page1.json().next.slice(baseUrl.length));
    assert.deepEqual(page2.json().results.map((m: { content: string }) => m.content), ['hi 2']);
  });

  test('a send without the X-CSRFToken header is refused', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    postman.headers.delete('X-CSRFToken');
    const res = await postman.post('/messages/', { recipient: 'bob', content: 'hi' });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json(), { detail: 'CSRF Failed: CSRF token missing.' });
  });

  test('after GET /logout/ a send is refused with 403', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const postman = await postmanLogin(baseUrl, ALICE);
    const logout = await postman.get('/logout/');
    assert.equal(logout.status, 200);
    assert.deepEqual(logout.json(), { detail: 'Logged out.' });
    assert.equal(postman.cookies.has('sessionid'), false, 'the session cookie is cleared');
    const res = await postman.post('/messages/', { recipient: 'bob', content: 'still there?' });
    assert.equal(res.status, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('a client that keeps no csrftoken cookie but sends the header is accepted', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const script = await postmanLogin(baseUrl, ALICE);
    script.cookies.delete('csrftoken');
    const res = await script.post('/messages/', { recipient: 'bob', content: 'from a script' });
    assert.equal(res.status, 201, res.text);
  });

  test('a browser app can send with the csrftoken cookie value as X-CSRFToken, as Axios does', async (t) => {
    const baseUrl = await startServer(t, kind);
    await registerBoth(baseUrl);
    const browser = new HttpClient(baseUrl);
    const login = await browser.post('/login/', { username: 'alice@example.com', password: ALICE.password });
    assert.equal(login.status, 200);
    const cookieToken = browser.cookies.get('csrftoken')!;
    assert.equal(cookieToken.length, 32);
    browser.headers.set('X-CSRFToken', cookieToken);
    const res = await browser.post('/messages/', { recipient: 'bob', content: 'from the browser' });
    assert.equal(res.status, 201, res.text);
    const list = await browser.get('/list-messages/bob/');
    assert.equal(list.json().results[0].content, 'from the browser');
  });

  test('the API documentation is served at /api/docs/ and /docs/', async (t) => {
    const baseUrl = await startServer(t, kind);
    for (const path of ['/api/docs/', '/docs/', '/api/docs', '/docs']) {
      const res = await new HttpClient(baseUrl).get(path);
      assert.equal(res.status, 200, path);
      assert.match(String(res.headers.get('content-type')), /^text\/html/, path);
      assert.match(res.text, /swagger-ui/i, path);
    }
    const schema = await new HttpClient(baseUrl).get('/api/schema/');
    assert.equal(schema.status, 200);
    assert.ok(schema.json().paths['/messages/']);
  });
});
