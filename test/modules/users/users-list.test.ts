import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAccountsService } from '../../../src/modules/users/accounts.service.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, register, signUp, type UserInfo } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';
import { assertDatabaseConsistent } from '../../helpers/invariants.js';

const INVALID_PAGE = { detail: 'Invalid page.' };
// app.inject sends "Host: localhost:80"; as an origin that is http://localhost.
const BASE = 'http://localhost/users-list/';

/** Registers `count` users named user01, user02, ...: they sort in that order. */
async function registerNumbered(app: FastifyInstance, count: number): Promise<UserInfo[]> {
  const names = Array.from({ length: count }, (_, i) => `user${String(i + 1).padStart(2, '0')}`);
  // In batches: more registrations at once than the password hashing queue holds would get 503.
  const users: UserInfo[] = [];
  for (let i = 0; i < names.length; i += 32) users.push(...await Promise.all(names.slice(i, i + 32).map((name) => register(app, name))));
  return users;
}

function usernames(res: { json(): { results: UserInfo[] } }): string[] {
  return res.json().results.map((user) => user.username);
}

describeEachDatabase('GET /users-list/', (kind) => {
  test('an anonymous caller gets 403', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get('/users-list/');
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('an anonymous caller gets 403 whatever the query', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await new TestClient(app).get(`/users-list/?search=${'a'.repeat(151)}`);
    assert.equal(res.statusCode, 403);
    assert.deepEqual(res.json(), { detail: 'Authentication credentials were not provided.' });
  });

  test('the list is a DRF page of the other users with their id and username; their email is hidden', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'bob');
    const carol = await register(app, 'carol');
    const res = await alice.get('/users-list/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 2, next: null, previous: null, results: [{ ...bob, email: null }, { ...carol, email: null }] });
    assert.ok(!res.body.includes('@example.com'), res.body);
  });

  test('with EMAIL_VISIBILITY=everyone the list shows each user\'s email, as the original service did', async (t) => {
    const { app } = await buildTestApp(t, kind, { EMAIL_VISIBILITY: 'everyone' });
    const alice = await signUp(app, 'alice');
    const bob = await register(app, 'bob');
    const carol = await register(app, 'carol');
    const res = await alice.get('/users-list/');
    assert.deepEqual(res.json(), { count: 2, next: null, previous: null, results: [bob, carol] });
  });

  test('search matches usernames only, never email addresses', async (t) => {
    const { app } = await buildTestApp(t, kind, { EMAIL_VISIBILITY: 'everyone' });
    const alice = await signUp(app, 'alice');
    await register(app, 'bob', 'secret-handle@example.com');
    for (const search of ['secret', 'secret-handle@example.com', 'example']) {
      assert.equal((await alice.get(`/users-list/?search=${encodeURIComponent(search)}`)).json().count, 0, search);
    }
    assert.equal((await alice.get('/users-list/?search=bo')).json().count, 1);
  });

  test('users are ordered by username ignoring case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    for (const name of ['bob', 'Dave', 'alice', 'Carol']) await register(app, name);
    const res = await caller.get('/users-list/');
    assert.deepEqual(usernames(res), ['alice', 'bob', 'Carol', 'Dave']);
  });

  test('the caller is left out', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.get('/users-list/');
    assert.deepEqual(usernames(res), ['bob']);
    assert.equal(res.json().count, 1);
  });

  test('a deactivated user is left out', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await register(app, 'carol');
    await testDatabase.database.db.updateTable('users').set({ is_active: 0 }).where('username', '=', 'bob').execute();
    const res = await alice.get('/users-list/');
    assert.equal(res.json().count, 1);
    assert.deepEqual(usernames(res), ['carol']);
  });

  test('the count follows registrations, deactivations, reactivations, deletions and blocks', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const { app, testDatabase } = testApp;
    const { db } = testDatabase.database;
    const accounts = createAccountsService({ users: createUsersRepository(db) });
    const alice = await signUp(app, 'alice');
    const count = async () => {
      const res = await alice.get('/users-list/?page_size=1');
      assert.equal(res.statusCode, 200);
      return res.json().count as number;
    };
    assert.equal(await count(), 0);
    await registerNumbered(app, 5);
    assert.equal(await count(), 5);
    await accounts.deactivate('user01');
    await accounts.deactivate('user01');
    assert.equal(await count(), 4);
    await accounts.activate('user01');
    await accounts.activate('user01');
    assert.equal(await count(), 5);
    assert.equal((await alice.post('/blocks/', { user: 'user02' })).statusCode, 201);
    assert.equal(await count(), 4);
    // Blocked and deactivated: left out once, not twice.
    await accounts.deactivate('user02');
    assert.equal(await count(), 4);
    await db.deleteFrom('users').where('username', '=', 'user03').execute();
    assert.equal(await count(), 3);
    await db.updateTable('users').set({ is_active: 0 }).where('username', 'in', ['user04', 'user05']).execute();
    assert.equal(await count(), 1);
    // Another caller sees everyone active but themselves: alice and user01.
    const user01 = new TestClient(app);
    await user01.login('user01');
    assert.equal((await user01.get('/users-list/')).json().count, 1);
    await assertDatabaseConsistent(db);
  });

  test('an empty list is a valid first page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/users-list/');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
  });

  test('search keeps usernames starting with it, ignoring case', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    for (const name of ['alice', 'Albert', 'sally', 'bob']) await register(app, name);
    const res = await caller.get('/users-list/?search=AL');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().count, 2);
    assert.deepEqual(usernames(res), ['Albert', 'alice']);
  });

  test('search leaves the caller out too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'albert');
    const res = await alice.get('/users-list/?search=al');
    assert.deepEqual(usernames(res), ['albert']);
  });

  test('search characters are matched literally, not as SQL wildcards', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    for (const name of ['a_b', 'axb', 'a.b']) await register(app, name);
    assert.deepEqual(usernames(await caller.get('/users-list/?search=a_')), ['a_b']);
    assert.deepEqual(usernames(await caller.get('/users-list/?search=a%25')), []);
  });

  test('a search that matches nobody is an empty first page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.get('/users-list/?search=zzz');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
  });

  test('an empty search lists everyone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await register(app, 'carol');
    const res = await alice.get('/users-list/?search=');
    assert.deepEqual(usernames(res), ['bob', 'carol']);
  });

  test('the first page holds 10 users and links to the second', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/');
    const body = res.json();
    assert.equal(body.count, 12);
    assert.equal(body.next, `${BASE}?page=2`);
    assert.equal(body.previous, null);
    assert.deepEqual(usernames(res), ['user01', 'user02', 'user03', 'user04', 'user05',
      'user06', 'user07', 'user08', 'user09', 'user10']);
  });

  test('the last page links back to the previous one and not forward', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/?page=2');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().count, 12);
    assert.equal(res.json().next, null);
    assert.deepEqual(usernames(res), ['user11', 'user12']);
  });

  test('the link back to page 1 has no page parameter, as in DRF', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/?page=2');
    assert.equal(res.json().previous, BASE);
  });

  test('a middle page links both ways', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 25);
    const res = await caller.get('/users-list/?page=2');
    assert.equal(res.json().previous, BASE);
    assert.equal(res.json().next, `${BASE}?page=3`);
    assert.deepEqual(usernames(res), ['user11', 'user12', 'user13', 'user14', 'user15',
      'user16', 'user17', 'user18', 'user19', 'user20']);
  });

  test('page_size sets the page length and is kept in the links', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/?page=2&page_size=5');
    assert.deepEqual(res.json(), {
      count: 12,
      next: `${BASE}?page=3&page_size=5`,
      previous: `${BASE}?page_size=5`,
      results: res.json().results,
    });
    assert.deepEqual(usernames(res), ['user06', 'user07', 'user08', 'user09', 'user10']);
  });

  test('the search is kept in the links', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    await register(app, 'zed');
    const res = await caller.get('/users-list/?search=USER&page_size=5&page=2');
    assert.equal(res.json().count, 12);
    assert.equal(res.json().next, `${BASE}?page=3&page_size=5&search=USER`);
    assert.equal(res.json().previous, `${BASE}?page_size=5&search=USER`);
  });

  test('a host with an underscore, an IPv4 or an IPv6 address is a host', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    for (const host of ['chat_service:8000', '10.0.0.7', '[::1]:8000']) {
      const res = await caller.get('/users-list/', { host });
      assert.equal(res.json().next, `http://${host}/users-list/?page=2`, host);
    }
  });

  test('the links name the host the request came to', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/', { host: 'chat.example.com:8443' });
    assert.equal(res.json().next, 'http://chat.example.com:8443/users-list/?page=2');
  });

  test('a Host header no URL can be made of is a 400, where links are needed', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    for (const host of ['a b', 'h:99999', '[::1', 'x/y@z', 'evil.example@chat.example.com', 'h?x', 'x#y', 'x\\y']) {
      const res = await caller.get('/users-list/', { host });
      assert.equal(res.statusCode, 400, host);
      assert.deepEqual(res.json(), { detail: 'Invalid Host header.' }, host);
    }
    assert.equal((await caller.get('/users-list/?search=user01', { host: 'a b' })).statusCode, 200);
  });

  test('a page_size above 100 gives 100 a page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 101);
    const res = await caller.get('/users-list/?page_size=1000');
    assert.equal(res.json().count, 101);
    assert.equal(res.json().results.length, 100);
    assert.equal(res.json().next, `${BASE}?page=2&page_size=1000`);
  });

  test('a page_size that is not a positive whole number falls back to 10', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    for (const size of ['abc', '0', '-5', '2.5']) {
      const res = await caller.get(`/users-list/?page_size=${size}`);
      assert.equal(res.statusCode, 200, size);
      assert.equal(res.json().results.length, 10, size);
    }
  });

  test('a page_size that falls back is still kept in the links', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/?page_size=abc');
    assert.equal(res.json().next, `${BASE}?page=2&page_size=abc`);
  });

  test('page=last is the last page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 25);
    const res = await caller.get('/users-list/?page=last');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 25, next: null, previous: `${BASE}?page=2`, results: res.json().results });
    assert.deepEqual(usernames(res), ['user21', 'user22', 'user23', 'user24', 'user25']);
  });

  test('page=last of an empty list is the empty first page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/users-list/?page=last');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { count: 0, next: null, previous: null, results: [] });
  });

  test('page 0 is an invalid page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.get('/users-list/?page=0');
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), INVALID_PAGE);
  });

  test('a page that is not a number is an invalid page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    for (const page of ['abc', '-1', '1.5']) {
      const res = await alice.get(`/users-list/?page=${page}`);
      assert.equal(res.statusCode, 404, page);
      assert.deepEqual(res.json(), INVALID_PAGE, page);
    }
  });

  test('a page past the end is an invalid page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const caller = await signUp(app, 'mallory');
    await registerNumbered(app, 12);
    const res = await caller.get('/users-list/?page=3');
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), INVALID_PAGE);
  });

  test('page 2 of an empty list is an invalid page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/users-list/?page=2');
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), INVALID_PAGE);
  });

  test('an empty page parameter is the first page', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const res = await alice.get('/users-list/?page=');
    assert.equal(res.statusCode, 200);
    assert.deepEqual(usernames(res), ['bob']);
  });

  test('a search with a NUL character finds nobody', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'bob');
    const alice = await signUp(app, 'alice');
    const res = await alice.get('/users-list/?search=b%00');
    assert.equal(res.statusCode, 200);
    assert.equal(res.json().count, 0);
  });
});
