import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import newman, { type NewmanRunSummary } from 'newman';
import { COLLECTION_FILE, collectionText } from '../../scripts/postman.js';
import { buildTestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

test('postman/ holds the collection of the OpenAPI document the app serves now', async () => {
  assert.ok(readFileSync(COLLECTION_FILE, 'utf8') === await collectionText(), 'the collection is out of date: run `npm run postman` and commit it');
});

function run(options: newman.NewmanRunOptions): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary)));
  });
}

describeEachDatabase('the Postman collection', (kind) => {
  test('newman runs its walkthrough against the app: register, log in, send, list, log out', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const summary = await run({
      collection: JSON.parse(readFileSync(COLLECTION_FILE, 'utf8')),
      folder: 'Walkthrough',
      envVar: [{ key: 'baseUrl', value: baseUrl }],
      reporters: [],
    });
    const answered = summary.run.executions.map((execution) => [execution.item.name, execution.response?.code]);
    assert.deepEqual(answered, [
      ['Register', 201], ['Log in', 200], ['Send a message (to yourself)', 201], ['Read the conversation', 200], ['Log out', 200],
    ]);
    assert.deepEqual(summary.run.failures.map((failure) => failure.error.message), []);
    assert.equal(summary.run.stats.assertions.failed, 0);
    assert.equal(summary.run.stats.assertions.total, 6);
  });
});
