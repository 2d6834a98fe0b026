/**
 * `npm run client:types`: writes client/schema.ts, the API's types, from the OpenAPI document the
 * service serves at /api/schema/ (built here on an in-memory database). test/client/schema.test.ts
 * fails when the committed file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const CLIENT_SCHEMA_FILE = fileURLToPath(new URL('../client/schema.ts', import.meta.url));

const HEADER = '// The API\'s types, generated from the service\'s OpenAPI document by `npm run client:types`. Do not edit.\n\n';

/** The text of client/schema.ts for the document the app serves now. */
export async function clientSchemaText(): Promise<string> {
  const app = await buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:', SECRET_KEY: 'client-types', REDIS_URL: '' }), { logger: false });
  try {
    const document = (await app.inject({ method: 'GET', url: '/api/schema/' })).json();
    return HEADER + astToString(await openapiTS(document));
  } finally {
    await app.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(CLIENT_SCHEMA_FILE, await clientSchemaText());
  console.log(`wrote ${CLIENT_SCHEMA_FILE}`);
}
