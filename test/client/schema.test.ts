import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLIENT_SCHEMA_FILE, clientSchemaText } from '../../scripts/client-types.js';

test('client/schema.ts is the types of the OpenAPI document the app serves now', async () => {
  const committed = readFileSync(CLIENT_SCHEMA_FILE, 'utf8');
  assert.ok(committed === await clientSchemaText(), 'client/schema.ts is out of date: run `npm run client:types` and commit it');
});
