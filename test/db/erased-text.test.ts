import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildTestApp } from '../helpers/app.js';
import { signUp } from '../helpers/client.js';

/** The files SQLite keeps the database in: the file itself, its write-ahead log and its shared-memory index. */
function filesOf(url: string): string[] {
  const path = url.slice('sqlite:'.length);
  return [path, `${path}-wal`, `${path}-shm`].filter((file) => existsSync(file));
}

const holding = (files: string[], text: string) => files.filter((file) => readFileSync(file).includes(Buffer.from(text)));

test('on SQLite, a deleted message\'s text and an edited message\'s old text leave the database files within seconds', async (t) => {
  const { app, testDatabase } = await buildTestApp(t, 'sqlite');
  const alice = await signUp(app, 'alice');
  await signUp(app, 'bob');
  // Short texts, kept in their row's page, and long ones, which spill onto overflow pages of their own.
  const deletedText = `delete me ${randomBytes(12).toString('hex')}`;
  const editedText = `edit me ${randomBytes(12).toString('hex')}`;
  const longDeletedText = `delete me too ${randomBytes(12).toString('hex')} ${'and more '.repeat(400)}`;
  const longEditedText = `edit me too ${randomBytes(12).toString('hex')} ${'and more '.repeat(400)}`;
  const keptText = `keep me ${randomBytes(12).toString('hex')}`;
  const toDelete = [
    (await alice.post('/messages/', { recipient: 'bob', content: deletedText })).json(),
    (await alice.post('/messages/', { recipient: 'bob', content: longDeletedText })).json(),
  ];
  const toEdit = [
    (await alice.post('/messages/', { recipient: 'bob', content: editedText })).json(),
    (await alice.post('/messages/', { recipient: 'bob', content: longEditedText })).json(),
  ];
  await alice.post('/messages/', { recipient: 'bob', content: keptText });
  const files = filesOf(testDatabase.url);
  assert.ok(holding(files, deletedText).length > 0, 'the search finds text that is stored');

  for (const message of toDelete) assert.equal((await alice.delete(`/messages/${message.id}/`)).statusCode, 204);
  for (const message of toEdit) assert.equal((await alice.patch(`/messages/${message.id}/`, { content: 'something else' })).statusCode, 200);
  // The texts' own markers: a long text's repeated words are in the other long one too.
  const erased = [deletedText, editedText, longDeletedText.slice(0, 40), longEditedText.slice(0, 40)];
  const stillHeld = () => erased.flatMap((text) => holding(filesOf(testDatabase.url), text).map((file) => `${text} in ${file}`));
  const deadline = Date.now() + 10_000;
  while (stillHeld().length > 0 && Date.now() < deadline) await sleep(100);
  assert.deepEqual(stillHeld(), [], 'every erased text is gone');
  assert.ok(holding(filesOf(testDatabase.url), keptText).length > 0, 'the other messages are still there');
  assert.equal((await alice.get('/list-messages/bob/')).json().results[4].content, keptText);
});
