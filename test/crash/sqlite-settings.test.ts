import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { signUp } from '../helpers/client.js';

test('every SQLite connection the app uses runs in WAL mode with synchronous=FULL and foreign keys on', async (t) => {
  // Every statement is prepared on its connection: watching `prepare` finds each connection the app
  // opens, however many, and wherever in the code.
  const connections = new Set<SQLite.Database>();
  const prototype = SQLite.prototype as { prepare: (...args: unknown[]) => unknown };
  const prepare = prototype.prepare;
  prototype.prepare = function (this: SQLite.Database, ...args: unknown[]) {
    connections.add(this);
    return prepare.apply(this, args);
  };
  t.after(() => { prototype.prepare = prepare; });

  const folder = mkdtempSync(join(tmpdir(), 'messaging-settings-'));
  const app = await buildApp(loadConfig({ DATABASE_URL: `sqlite:${join(folder, 'db.sqlite3')}`, SECRET_KEY: 'k', RATE_LIMITS: 'off' }),
    { logger: false });
  t.after(async () => {
    await app.close();
    rmSync(folder, { recursive: true, force: true });
  });
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  const sent = await alice.post('/messages/', { recipient: 'bob', content: 'on disk before the answer' });
  assert.equal(sent.statusCode, 201, sent.body);
  assert.equal((await alice.get('/list-messages/bob/')).statusCode, 200);
  assert.equal((await alice.get('/conversations/')).statusCode, 200);

  assert.ok(connections.size >= 1);
  for (const connection of [...connections]) {
    assert.equal(connection.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(connection.pragma('synchronous', { simple: true }), 2, 'FULL is 2');
    assert.equal(connection.pragma('foreign_keys', { simple: true }), 1);
  }
});
