import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { hash } from '@node-rs/argon2';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { DatabaseSchema } from '../../../src/db/schema.js';
import { buildTestApp } from '../../helpers/app.js';
import { register } from '../../helpers/client.js';
import { describeEachDatabase } from '../../helpers/databases.js';

interface DumpedUser {
  model: string;
  fields: { username: string; password: string };
}

/** Hashes made by Django 3.2 itself (test/fixtures/): each user's password is `password-<username>`. */
const dumped = new Map((JSON.parse(readFileSync(new URL('../../fixtures/django-dumpdata.json', import.meta.url), 'utf8')) as DumpedUser[])
  .filter((record) => record.model === 'auth.user')
  .map((record) => [record.fields.username, record.fields.password]));

/** Registers `username` and gives the account `storedHash`, as an import from the Django service would. */
async function accountWithHash(app: FastifyInstance, db: Kysely<DatabaseSchema>, username: string, storedHash: string): Promise<void> {
  await register(app, username);
  await db.updateTable('users').set({ password_hash: storedHash }).where('username', '=', username).execute();
}

async function storedHashOf(db: Kysely<DatabaseSchema>, username: string): Promise<string> {
  return (await db.selectFrom('users').select('password_hash').where('username', '=', username).executeTakeFirstOrThrow()).password_hash;
}

const login = (app: FastifyInstance, username: string, password: string) =>
  app.inject({ method: 'POST', url: '/login/', payload: { username, password } });

describeEachDatabase('passwords hashed by Django', (kind) => {
  for (const username of ['erin405', 'oldhash']) {
    test(`${username}'s ${dumped.get(username)!.split('$')[0]} hash logs in with the old password, and becomes argon2id`, async (t) => {
      const { app, testDatabase } = await buildTestApp(t, kind);
      const { db } = testDatabase.database;
      const django = dumped.get(username)!;
      await accountWithHash(app, db, username, django);

      assert.equal((await login(app, username, 'password-wrong')).statusCode, 401);
      assert.equal(await storedHashOf(db, username), django, 'a failed login changes nothing');
      assert.equal((await login(app, username, `password-${username}`)).statusCode, 200);
      const upgraded = await storedHashOf(db, username);
      assert.match(upgraded, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      assert.equal((await login(app, username, `password-${username}`)).statusCode, 200, 'the new hash holds the same password');
      assert.equal(await storedHashOf(db, username), upgraded, 'a current hash is kept');
    });
  }

  test('Django\'s argon2 format is read, and an unusable password (!...) never logs in', async (t) => {
    const { app, testDatabase } = await buildTestApp(t, kind);
    const { db } = testDatabase.database;
    // Django writes argon2's PHC string after "argon2", with its own parameters.
    const phc = await hash('password-dana', { algorithm: 2, memoryCost: 1024, timeCost: 2, parallelism: 2 });
    await accountWithHash(app, db, 'dana', `argon2${phc}`);
    assert.equal((await login(app, 'dana', 'password-dana')).statusCode, 200);
    assert.match(await storedHashOf(db, 'dana'), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

    await accountWithHash(app, db, 'nopass', dumped.get('nopass')!);
    for (const password of ['password-nopass', '', dumped.get('nopass')!]) {
      assert.equal((await login(app, 'nopass', password)).statusCode, password === '' ? 400 : 401);
    }
  });
});
