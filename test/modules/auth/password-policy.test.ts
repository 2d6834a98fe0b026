import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { passwordProblems } from '../../../src/modules/auth/password-policy.js';
import { buildTestApp } from '../../helpers/app.js';
import { TestClient } from '../../helpers/client.js';
import { describeEachDatabase, type TestDatabase } from '../../helpers/databases.js';

const TOO_COMMON = 'This password is too common.';
const TOO_SHORT = 'This password is too short. It must contain at least 8 characters.';
const NUMERIC = 'This password is entirely numeric.';
const LIKE_USERNAME = 'The password is too similar to the username.';
const LIKE_EMAIL = 'The password is too similar to the email address.';

const alice = { username: 'alice', email: 'alice@example.com' };

function postRegistration(app: FastifyInstance, password: string, user: { username: string; email: string } = alice) {
  return new TestClient(app).post('/register/', { ...user, password });
}

async function userCount(testDatabase: TestDatabase): Promise<number> {
  return (await testDatabase.database.db.selectFrom('users').select('id').execute()).length;
}

test('every password of the common list that is long enough is refused as too common', () => {
  const listPath = createRequire(import.meta.url).resolve('@zxcvbn-ts/language-common/src/passwords.json');
  const list = JSON.parse(readFileSync(listPath, 'utf8')) as string[];
  const longEnough = list.filter((password) => [...password].length >= 8 && [...password].length <= 256);
  assert.ok(longEnough.length > 17_000, `only ${longEnough.length} passwords of 8 characters or more`);
  const accepted = longEnough.filter((password) => !passwordProblems(password, alice).includes(TOO_COMMON));
  assert.deepEqual(accepted, []);
});

test('a passphrase that is not on the list has no problem', () => {
  assert.deepEqual(passwordProblems('correct horse battery staple', alice), []);
  assert.deepEqual(passwordProblems('pw-alice-long-enough', alice), []);
});

test('problems are reported in the order of Django\'s validators', () => {
  assert.deepEqual(passwordProblems('12345', { username: '12345', email: 'n@example.com' }), [LIKE_USERNAME, TOO_SHORT, TOO_COMMON, NUMERIC]);
});

test('digits of any script make an entirely numeric password', () => {
  assert.deepEqual(passwordProblems('\u0663\u0661\u0664\u0661\u0665\u0669\u0662\u0666\u0665', alice), [NUMERIC]);
});

test('a password equal to both the username and the email\'s local part is reported as like the username only', () => {
  assert.deepEqual(passwordProblems('Alice.Smith', { username: 'alice.smith', email: 'alice.smith@example.com' }), [LIKE_USERNAME]);
});

describeEachDatabase('password policy at registration', (kind) => {
  test('a common password is refused as too common, and nothing is stored', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const res = await postRegistration(app, 'password1');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [TOO_COMMON] });
    assert.equal(await userCount(testDatabase), 0);
  });

  test('a common password is recognised in any case and with spaces around it', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (const password of ['PaSsWoRd1', 'SUNSHINE', '  football  ']) {
      const res = await postRegistration(app, password);
      assert.equal(res.statusCode, 400, password);
      assert.deepEqual(res.json(), { password: [TOO_COMMON] }, password);
    }
  });

  test('a common numeric password gets both messages', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, '12345678');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [TOO_COMMON, NUMERIC] });
  });

  test('a short common password gets both messages', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, 'abc123');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [TOO_SHORT, TOO_COMMON] });
  });

  test('an uncommon numeric password is refused as entirely numeric only', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, '87654321');
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [NUMERIC] });
  });

  test('a password equal to the local part of the email, in another case, is refused', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, 'A.Smith.1990', { username: 'alice', email: 'a.smith.1990@example.com' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [LIKE_EMAIL] });
  });

  test('a password equal to a numeric username gets both messages', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await postRegistration(app, '31415926535', { username: '31415926535', email: 'pi@example.com' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual(res.json(), { password: [LIKE_USERNAME, NUMERIC] });
  });

  test('a common password is reported together with a taken username and email', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const taken = await postRegistration(app, 'correct horse battery staple');
    assert.equal(taken.statusCode, 201);
    const both = await postRegistration(app, 'password1');
    assert.deepEqual(both.json(), { username: ['A user with that username already exists.'], email: ['A user with that email already exists.'], password: [TOO_COMMON] });
  });
});
