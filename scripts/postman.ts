/**
 * `npm run postman`: writes postman/messaging.postman_collection.json, a Postman collection (v2.1) of every
 * operation in the OpenAPI document the service serves, with a "Walkthrough" folder that registers, logs
 * in, sends, lists and logs out. Its login stores `csrf_token` in a collection variable, and a
 * collection-level pre-request script adds it as `X-CSRFToken` to every unsafe request, as the original
 * service's users were told to do by hand. test/postman/postman.test.ts runs the walkthrough with newman
 * and fails when the committed collection differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

export const COLLECTION_FILE = fileURLToPath(new URL('../postman/messaging.postman_collection.json', import.meta.url));

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  examples?: unknown[];
  example?: unknown;
  default?: unknown;
}
type Document = { paths: Record<string, Record<string, Operation>> };

const UNSAFE_CSRF_SCRIPT = [
  '// Session requests that change something carry the CSRF token the login answered with.',
  "const safe = ['GET', 'HEAD', 'OPTIONS', 'TRACE'].includes(pm.request.method);",
  "const token = pm.collectionVariables.get('csrfToken');",
  "if (!safe && token) pm.request.headers.upsert({ key: 'X-CSRFToken', value: token });",
];

/** Values for path parameters, as collection variables. */
const PATH_VARIABLES: Record<string, string> = { id: '1', recipient: 'bob', user: 'bob' };

/** An example value of a schema: its own example, else one built from its properties. */
function exampleOf(schema: Schema | undefined): unknown {
  if (!schema) return undefined;
  if (schema.examples?.length) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'object' || schema.properties) {
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, exampleOf(property) ?? '']));
  }
  if (type === 'integer' || type === 'number') return 1;
  if (type === 'boolean') return false;
  return '';
}

function request(method: string, path: string, options: { body?: unknown; description?: string } = {}) {
  const raw = `{{baseUrl}}${path.replace(/\{(\w+)\}/g, '{{$1}}')}`;
  return {
    method: method.toUpperCase(),
    header: options.body === undefined ? [] : [{ key: 'Content-Type', value: 'application/json' }],
    ...(options.body === undefined ? {} : { body: { mode: 'raw', raw: JSON.stringify(options.body, null, 2), options: { raw: { language: 'json' } } } }),
    url: raw,
    ...(options.description ? { description: options.description } : {}),
  };
}

const expectStatus = (status: number, extra: string[] = []) => [{
  listen: 'test',
  script: { type: 'text/javascript', exec: [`pm.test('answers ${status}', () => pm.response.to.have.status(${status}));`, ...extra] },
}];

/** The collection for this OpenAPI document. */
export function collectionOf(document: Document) {
  const walkthrough = {
    name: 'Walkthrough',
    description: 'Register, log in, send a message, read the conversation, log out: run this folder in order.',
    item: [
      { name: 'Register', event: expectStatus(201), request: request('post', '/register/', { body: { username: '{{username}}', email: '{{username}}@example.com', password: '{{password}}' } }) },
      {
        name: 'Log in',
        event: expectStatus(200, ["pm.collectionVariables.set('csrfToken', pm.response.json().csrf_token);"]),
        request: request('post', '/login/', { body: { username: '{{username}}', password: '{{password}}' } }),
      },
      { name: 'Send a message (to yourself)', event: expectStatus(201), request: request('post', '/messages/', { body: { recipient: '{{username}}', content: 'Hello from Postman' } }) },
      {
        name: 'Read the conversation',
        event: expectStatus(200, ["pm.test('holds the message', () => pm.expect(pm.response.json().results.map((m) => m.content)).to.include('Hello from Postman'));"]),
        request: request('get', '/list-messages/{username}/'),
      },
      { name: 'Log out', event: expectStatus(200, ["pm.collectionVariables.set('csrfToken', '');"]), request: request('post', '/logout/') },
    ],
  };
  const folders = new Map<string, { name: string; item: unknown[] }>();
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const tag = operation.tags?.[0] ?? 'other';
      if (!folders.has(tag)) folders.set(tag, { name: tag, item: [] });
      const body = exampleOf(operation.requestBody?.content?.['application/json']?.schema);
      folders.get(tag)!.item.push({
        name: operation.summary ?? `${method.toUpperCase()} ${path}`,
        request: request(method, path, { body, description: operation.description }),
      });
    }
  }
  return {
    info: {
      name: 'Messaging backend',
      description: 'Every operation of the API, generated from its OpenAPI document by `npm run postman`. Log in first (the login stores the CSRF token; unsafe requests then carry it), or run the Walkthrough folder.',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
    },
    event: [{ listen: 'prerequest', script: { type: 'text/javascript', exec: UNSAFE_CSRF_SCRIPT } }],
    variable: [
      { key: 'baseUrl', value: 'http://127.0.0.1:8000' },
      { key: 'username', value: 'postman-user' },
      { key: 'password', value: 'a postman passphrase' },
      { key: 'csrfToken', value: '' },
      ...Object.entries(PATH_VARIABLES).map(([key, value]) => ({ key, value })),
    ],
    item: [walkthrough, ...folders.values()],
  };
}

/** The text of the collection file for the document the app serves now. */
export async function collectionText(): Promise<string> {
  const app = await buildApp(loadConfig({ DATABASE_URL: 'sqlite::memory:', SECRET_KEY: 'postman', REDIS_URL: '' }), { logger: false });
  try {
    const document = (await app.inject({ method: 'GET', url: '/api/schema/' })).json() as Document;
    return `${JSON.stringify(collectionOf(document), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(COLLECTION_FILE, await collectionText());
  console.log(`wrote ${COLLECTION_FILE}`);
}
