import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from '../../../src/errors.js';
import { createAuthService } from '../../../src/modules/auth/auth.service.js';
import { argon2Passwords, type Passwords } from '../../../src/modules/auth/passwords.js';
import { createSessionsRepository } from '../../../src/modules/auth/sessions.repository.js';
import { createUsersRepository } from '../../../src/modules/users/users.repository.js';
import { buildTestApp, type TestApp } from '../../helpers/app.js';
import { passwordFor, register, TestClient } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

const INVALID_CREDENTIALS = { detail: 'Invalid username or password.' };

/** `$argon2id$v=19$m=19456,t=2,p=1$`: the algorithm and cost of a hash, without its salt and digest. */
const costOf = (hash: string) => hash.split('$').slice(0, 4).join('$');

/** The auth service of the app, on its database, with the argon2 verifications it makes recorded. */
function watchedAuth({ config, testDatabase }: TestApp) {
  const verified: string[] = [];
  const passwords: Passwords = {
    ...argon2Passwords,
    verify(storedHash, password) {
      verified.push(storedHash);
      return argon2Passwords.verify(storedHash, password);
    },
  };
  const { db } = testDatabase.database;
  const auth = createAuthService({
    users: createUsersRepository(db), sessions: createSessionsRepository(db, testDatabase.database.dialect), passwords,
    secretKey: config.secretKey, sessionLifetimeSeconds: config.sessionLifetimeSeconds,
  });
  return { auth, verified };
}

async function refusal(attempt: Promise<unknown>): Promise<ApiError> {
  const error = await attempt.then(() => assert.fail('the credentials were accepted'), (caught: unknown) => caught);
  assert.ok(error instanceof ApiError, String(error));
  return error;
}

describeEachDatabase('no user enumeration at login', (kind) => {
  test('an unknown user, an inactive user and a wrong password get the same answer', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const { app, testDatabase } = testApp;
    await register(app, 'alice');
    await register(app, 'carol');
    await testDatabase.database.db.updateTable('users').set({ is_active: 0 }).where('username', '=', 'carol').execute();

    const answers = [];
    for (const credentials of [
      { username: 'alice', password: 'not-her-password' },
      { username: 'nobody', password: 'not-her-password' },
      { username: 'nobody@example.com', password: 'not-her-password' },
      { username: 'carol', password: passwordFor('carol') },
    ]) {
      for (const url of ['/login/', '/tokens/']) {
        const res = await new TestClient(app).post(url, credentials);
        answers.push({ url, status: res.statusCode, type: res.headers['content-type'], body: res.body, cookies: res.headers['set-cookie'] });
      }
    }
    for (const answer of answers) {
      assert.deepEqual(answer, { url: answer.url, status: 401, type: answers[0].type, body: JSON.stringify(INVALID_CREDENTIALS), cookies: undefined });
    }
  });

  test('an unknown or inactive user\'s password is verified against an argon2id hash of the same cost', async (t) => {
    const testApp = await buildTestApp(t, kind);
    await register(testApp.app, 'alice');
    await register(testApp.app, 'carol');
    const { db } = testApp.testDatabase.database;
    await db.updateTable('users').set({ is_active: 0 }).where('username', '=', 'carol').execute();
    const stored = await db.selectFrom('users').select(['username', 'password_hash']).execute();
    const realHashes = new Set(stored.map((row) => row.password_hash));
    const { auth, verified } = watchedAuth(testApp);

    const wrongPassword = await refusal(auth.verifyCredentials('alice', 'not-her-password'));
    assert.deepEqual(verified, [stored.find((row) => row.username === 'alice')!.password_hash]);
    for (const [identifier, password] of [['nobody', 'whatever-password'], ['carol', passwordFor('carol')]]) {
      verified.length = 0;
      const error = await refusal(auth.verifyCredentials(identifier, password));
      assert.equal(error.statusCode, wrongPassword.statusCode, identifier);
      assert.deepEqual(error.body, wrongPassword.body, identifier);
      assert.equal(verified.length, 1, `${identifier}: one verification`);
      assert.ok(!realHashes.has(verified[0]), `${identifier}: not verified against a user's hash`);
      assert.equal(costOf(verified[0]), costOf(stored[0].password_hash), identifier);
    }
    assert.match(costOf(verified[0]), /^\$argon2id\$v=19\$m=19456,t=2,p=1$/);
  });

  test('the right password of an active user is verified once and accepted', async (t) => {
    const testApp = await buildTestApp(t, kind);
    const alice = await register(testApp.app, 'alice');
    const { auth, verified } = watchedAuth(testApp);
    assert.deepEqual(await auth.verifyCredentials(' Alice ', passwordFor('alice')), alice);
    assert.equal(verified.length, 1);
  });
});
