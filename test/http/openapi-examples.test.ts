import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';

interface Operation {
  parameters?: { name: string }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
  responses: Record<string, {
    content?: Record<string, { schema?: { examples?: unknown[] }; example?: unknown; examples?: Record<string, { value: unknown }> }>;
  }>;
}

const THROTTLED = /^Request was throttled\. Expected available in \d+ seconds?\.$/;

test('each error answer in the OpenAPI document has examples of its own: field errors name the operation\'s fields', async (t) => {
  const { app } = await buildTestApp(t, 'sqlite', { RATE_LIMITS: 'on' });
  const document = (await app.inject({ method: 'GET', url: '/api/schema/' })).json() as { paths: Record<string, Record<string, Operation>> };
  let checked = 0;
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const fields = new Set<string>([
        ...(operation.parameters ?? []).map((parameter) => parameter.name),
        ...Object.values(operation.requestBody?.content ?? {}).flatMap((media) => Object.keys(media.schema.properties ?? {})),
        // DRF's key for a refused recipient, beside the field's own messages.
        ...(path === '/messages/' && method === 'post' ? ['error'] : []),
      ]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        const json = response.content?.['application/json'];
        if (json === undefined) continue;
        const where = `${method.toUpperCase()} ${path} ${status}`;
        // One example is written as `example`, several as named `examples`, or they stay in the schema.
        const examples = [
          ...(json.schema?.examples ?? []), ...(json.example === undefined ? [] : [json.example]),
          ...Object.values(json.examples ?? {}).map((named) => named.value),
        ];
        assert.ok(examples.length > 0, `${where} has no example`);
        for (const example of examples as Record<string, unknown>[]) {
          if (typeof example.status === 'string') continue; // the health probes' own shape
          if (typeof example.detail === 'string') {
            if (status === '429') assert.match(example.detail, THROTTLED, where);
            else assert.doesNotMatch(example.detail, THROTTLED, where);
            continue;
          }
          for (const field of Object.keys(example)) assert.ok(fields.has(field), `${where}: the example names "${field}", not a field of this operation`);
        }
        checked += 1;
      }
    }
  }
  assert.ok(checked > 50, `checked ${checked} answers`);
});
