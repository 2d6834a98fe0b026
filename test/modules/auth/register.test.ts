import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient, register } from '../../helpers/client.js';
import { describeEachDatabase, type TestDatabase } from '../../helpers/databases.js';

const PASSWORD = 'correct horse battery staple';
const INVALID_USERNAME = 'Enter a valid username. This value may contain only letters, numbers, and ./+/-/_ characters.';

function postRegistration(app: FastifyInstance, body: unknown, headers?: Record<string, string>) {
  return new TestClient(app).post('/register/', body, headers);
}

async function storedUsernames(testDatabase: TestDatabase): Promise<string[]> {
  const rows = await testDatabase.database.db.selectFrom('users').select('username').orderBy('id').execute();
  return rows.map((row) => row.username);
}

describeEachDatabase('POST /register/', (kind) => {
  test('registering answers 201 with the id, username and email only', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 201);
    const body = res.json();
    assert.equal(typeof body.id, 'number');
    assert.deepEqual(body, { id: body.id, username: 'alice', email: 'alice@example.com' });
  });

  test('a registered user can log in with the password', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const registered = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: PASSWORD });
    const login = await new TestClient(app).post('/login/', { username: 'alice', password: PASSWORD });
    assert.equal(login.statusCode, 200);
    assert.deepEqual(login.json().user, registered.json());
  });

  test('the password is stored only as an argon2id hash', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: PASSWORD });
    const row = await testDatabase.database.db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    assert.ok(!row.password_hash.includes(PASSWORD));
  });

  test('a taken username is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await postRegistration(app, { username: 'alice', email: 'other@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['A user with that username already exists.'] });
  });

  test('a password holding a NUL is refused as DRF\'s CharField refuses it', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: `${PASSWORD}\u0000` });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['Null characters are not allowed.'] });
    assert.equal((await testDatabase.database.db.selectFrom('users').select('id').execute()).length, 0);
  });

  test('a username differing only in case is taken', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const res = await postRegistration(app, { username: 'ALiCE', email: 'other@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['A user with that username already exists.'] });
  });

  test('a username in a Unicode compatibility form is the same username', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice');
    const fullwidth = '\uFF41\uFF4C\uFF49\uFF43\uFF45'; // "ａｌｉｃｅ", which NFKC makes "alice"
    const res = await postRegistration(app, { username: fullwidth, email: 'other@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['A user with that username already exists.'] });
  });

  test('the username rules hold for the name as normalized and stored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const refused = [
      ['a\u2474', INVALID_USERNAME], // "a⑴", which NFKC makes "a(1)"
      ['\uFDFA', INVALID_USERNAME], // one character that NFKC makes eighteen, spaces among them
      ['\u00BD'.repeat(51), INVALID_USERNAME], // "½" becomes "1⁄2", and "⁄" is no letter
      ['\uFB01'.repeat(76), 'Ensure this field has no more than 150 characters.'], // "ﬁ" becomes "fi": 152 letters
    ];
    for (const [username, error] of refused) {
      const res = await postRegistration(app, { username, email: 'someone@example.com', password: PASSWORD });
      assert.equal(res.statusCode, 400, username);
      assert.deepEqual(res.json(), { username: [error] }, username);
    }
    const ligature = await postRegistration(app, { username: '\uFB01ona', email: 'fiona@example.com', password: PASSWORD });
    assert.equal(ligature.statusCode, 201);
    assert.equal(ligature.json().username, 'fiona');
    assert.deepEqual(await storedUsernames(testDatabase), ['fiona']);
  });

  test('an email differing only in case is taken', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice', 'alice@example.com');
    const res = await postRegistration(app, { username: 'alice2', email: 'Alice@EXAMPLE.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { email: ['A user with that email already exists.'] });
  });

  test('a taken username and a taken email are both reported', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await register(app, 'alice', 'alice@example.com');
    const res = await postRegistration(app, { username: 'Alice', email: 'ALICE@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      username: ['A user with that username already exists.'],
      email: ['A user with that email already exists.'],
    });
  });

  test('two simultaneous registrations of one username create one user', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const responses = await Promise.all([
      postRegistration(app, { username: 'alice', email: 'first@example.com', password: PASSWORD }),
      postRegistration(app, { username: 'Alice', email: 'second@example.com', password: PASSWORD }),
    ]);
    assert.deepEqual(responses.map((res) => res.statusCode).sort(), [201, 400]);
    const refused = responses.find((res) => res.statusCode === 400)!;
    assert.deepEqual(refused.json(), { username: ['A user with that username already exists.'] });
    assert.equal((await storedUsernames(testDatabase)).length, 1);
  });

  test('two simultaneous registrations of one email create one user', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const responses = await Promise.all([
      postRegistration(app, { username: 'alice', email: 'shared@example.com', password: PASSWORD }),
      postRegistration(app, { username: 'bob', email: 'SHARED@example.com', password: PASSWORD }),
    ]);
    assert.deepEqual(responses.map((res) => res.statusCode).sort(), [201, 400]);
    const refused = responses.find((res) => res.statusCode === 400)!;
    assert.deepEqual(refused.json(), { email: ['A user with that email already exists.'] });
    assert.equal((await storedUsernames(testDatabase)).length, 1);
  });

  test('every missing field is required', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, {});
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      username: ['This field is required.'],
      email: ['This field is required.'],
      password: ['This field is required.'],
    });
  });

  test('a request without a body reports every field as required', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, undefined);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      username: ['This field is required.'],
      email: ['This field is required.'],
      password: ['This field is required.'],
    });
  });

  test('a missing password alone is reported alone', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This field is required.'] });
  });

  test('an invalid email address is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'not-an-email', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { email: ['Enter a valid email address.'] });
  });

  test('an address whose domain is in Unicode is taken, as Django takes it, and logs in', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'dave', email: 'dave@例え.jp', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().email, 'dave@例え.jp');
    const login = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'DAVE@例え.jp', password: PASSWORD } });
    assert.equal(login.statusCode, 200, login.body);
  });

  test('a domain in Unicode is one address however it is cased or written', async (t) => {
    const { app } = await buildTestApp(t, kind);
    assert.equal((await postRegistration(app, { username: 'bob', email: 'bob@ΟΣ-x.gr', password: PASSWORD })).statusCode, 201);
    for (const [i, email] of ['bob@οσ-x.gr', 'BOB@Οσ-X.GR', 'bob@xn---x-ibcq.gr'].entries()) {
      const res = await postRegistration(app, { username: `bob${i}`, email, password: PASSWORD });
      assert.equal(res.statusCode, 400, email);
      assert.deepEqual(res.json(), { email: ['A user with that email already exists.'] }, email);
    }
    assert.equal((await postRegistration(app, { username: 'dave', email: 'dave@例え.jp', password: PASSWORD })).statusCode, 201);
    assert.equal((await postRegistration(app, { username: 'dave2', email: 'dave@例え．jp', password: PASSWORD })).statusCode, 400);
    const login = await app.inject({ method: 'POST', url: '/login/', payload: { username: 'bob@οσ-x.gr', password: PASSWORD } });
    assert.equal(login.statusCode, 200, login.body);
  });

  test('a username containing @ is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice@home', email: 'alice@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: [INVALID_USERNAME] });
  });

  test('a username containing a space is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice smith', email: 'alice@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: [INVALID_USERNAME] });
  });

  test('letters of any alphabet, digits and . + - _ make a valid username', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'Zoë.O-Brien_2+Ωμέγα', email: 'zoe@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().username, 'Zoë.O-Brien_2+Ωμέγα');
  });

  test('a username of 150 characters is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'a'.repeat(150), email: 'long@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 201);
    assert.equal(res.json().username, 'a'.repeat(150));
  });

  test('a username of 151 characters is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'a'.repeat(151), email: 'long@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { username: ['Ensure this field has no more than 150 characters.'] });
  });

  test('the 150 characters are counted as Django counts them, a letter outside the BMP as one', async (t) => {
    const { app } = await buildTestApp(t, kind);
    // U+20000 is one character and two UTF-16 code units.
    const accepted = await postRegistration(app, { username: '\u{20000}'.repeat(150), email: 'cjk@example.com', password: PASSWORD });
    assert.equal(accepted.statusCode, 201, accepted.body);
    const refused = await postRegistration(app, { username: '\u{20000}'.repeat(151), email: 'cjk2@example.com', password: PASSWORD });
    assert.deepEqual([refused.statusCode, refused.json()], [400, { username: ['Ensure this field has no more than 150 characters.'] }]);
  });

  test('white space around the username and email is trimmed before they are checked, as DRF does', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: ' alice\t', email: ' alice@example.com ', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    assert.deepEqual([res.json().username, res.json().email], ['alice', 'alice@example.com']);
    const spaces = await postRegistration(app, { username: '   ', email: 'blank@example.com', password: PASSWORD });
    assert.deepEqual([spaces.statusCode, spaces.json()], [400, { username: ['This field may not be blank.'] }]);
  });

  test('a password shorter than 8 characters is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: 'x7$kQ9p' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This password is too short. It must contain at least 8 characters.'] });
  });

  test('a password of exactly 8 characters is accepted', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: 'x7$kQ9pz' });
    assert.equal(res.statusCode, 201);
  });

  test('a password longer than 256 characters is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: 'x'.repeat(257) });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This password is too long. It must contain at most 256 characters.'] });
  });

  test('an entirely numeric password is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: '8273649150' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This password is entirely numeric.'] });
  });

  test('a password equal to the username in another case is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice.smith', email: 'alice@example.com', password: 'ALICE.SMITH' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['The password is too similar to the username.'] });
  });

  test('a password equal to the email address is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'a.smith@example.com', password: 'a.smith@example.com' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['The password is too similar to the email address.'] });
  });

  test('a number as the username is taken as its text, as DRF\'s CharField takes it; a boolean is not a valid string', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 12345, email: 'alice@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 201, res.body);
    assert.equal(res.json().username, '12345');
    const boolean = await postRegistration(app, { username: true, email: 'bob@example.com', password: PASSWORD });
    assert.deepEqual([boolean.statusCode, boolean.json()], [400, { username: ['Not a valid string.'] }]);
  });

  test('null fields may not be null', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: null, email: null, password: null });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      username: ['This field may not be null.'],
      email: ['This field may not be null.'],
      password: ['This field may not be null.'],
    });
  });

  test('a blank password may not be blank', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: '' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: ['This field may not be blank.'] });
  });

  test('a JSON array as the body is refused as a whole', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, [{ username: 'alice', email: 'alice@example.com', password: PASSWORD }]);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { non_field_errors: ['Invalid data. Expected a dictionary, but got list.'] });
  });

  test('malformed JSON is a parse error', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, '{"username": "alice",', { 'content-type': 'application/json' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(Object.keys(res.json()), ['detail']);
    assert.match(res.json().detail, /^JSON parse error - /);
  });

  test('a body of an unsupported content type gets 415', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, 'username=alice', { 'content-type': 'text/plain' });
    assert.equal(res.statusCode, 415);
    assert.deepEqual(res.json(), { detail: 'Unsupported media type "text/plain" in request.' });
  });

  test('a form-encoded body registers too', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const form = new URLSearchParams({ username: 'alice', email: 'alice@example.com', password: PASSWORD }).toString();
    const res = await postRegistration(app, form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.statusCode, 201);
    assert.deepEqual(res.json(), { id: res.json().id, username: 'alice', email: 'alice@example.com' });
  });

  test('fields the API does not know are ignored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const res = await postRegistration(app, {
      username: 'alice', email: 'alice@example.com', password: PASSWORD, id: 999, is_active: 0,
    });
    assert.equal(res.statusCode, 201);
    assert.notEqual(res.json().id, 999);
    const row = await testDatabase.database.db.selectFrom('users').select('is_active').executeTakeFirstOrThrow();
    assert.equal(row.is_active, 1);
  });

  test('a registration refused for its password stores nothing', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'alice@example.com', password: '12345678' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(await storedUsernames(testDatabase), []);
    const login = await new TestClient(app).post('/login/', { username: 'alice', password: '12345678' });
    assert.equal(login.statusCode, 401);
  });

  test('a registration refused for a taken email stores nothing', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    await register(app, 'alice', 'alice@example.com');
    const res = await postRegistration(app, { username: 'bob', email: 'alice@example.com', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(await storedUsernames(testDatabase), ['alice']);
    const login = await new TestClient(app).post('/login/', { username: 'bob', password: PASSWORD });
    assert.equal(login.statusCode, 401);
  });

  test('a registration refused for an invalid field stores nothing', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: 'alice', email: 'not-an-email', password: PASSWORD });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(await storedUsernames(testDatabase), []);
  });

  test('blank fields are reported as blank and nothing else', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, { username: '', email: '', password: '' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), {
      username: ['This field may not be blank.'],
      email: ['This field may not be blank.'],
      password: ['This field may not be blank.'],
    });
  });
});
