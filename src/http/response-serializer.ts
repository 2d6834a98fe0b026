import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Answers are written with `JSON.stringify`, not with serializers compiled from the response schemas.
 * A compiled serializer builds its text from many small pieces, which Node must then join before it
 * can count the bytes and write them; `JSON.stringify` makes one flat string, and every list answers
 * more a second with it (see docs/performance-history.md). Both write the same text for the same
 * object, since our answers are built with their properties in the schema's order.
 *
 * What a compiled serializer also did was drop any property its schema does not declare. That guard
 * moves to the tests: with `checked`, every answer is validated against its response schema before it
 * is written, undeclared properties and wrong types included, and one that does not match is an error.
 * The test suite builds the app so; the service does not pay for it.
 */
export function installResponseSerializer(app: FastifyInstance, options: { checked: boolean }): void {
  if (!options.checked) {
    app.setSerializerCompiler(() => JSON.stringify);
    return;
  }
  const ajv = addFormats.default(new Ajv({ allErrors: true, strict: false }), ['date-time', 'email', 'uuid']);
  app.setSerializerCompiler(({ schema, method, url, httpStatus }) => {
    const validate: ValidateFunction = ajv.compile(closed(schema) as object);
    return (data: unknown) => {
      const text = JSON.stringify(data);
      // Validated as sent: what the text says (dates as strings, no undefined properties).
      if (!validate(JSON.parse(text ?? 'null'))) {
        throw new Error(`the ${httpStatus} answer of ${method} ${url} does not match its schema: ${ajv.errorsText(validate.errors)}`);
      }
      return text;
    };
  });
}

/** A copy of the schema in which every object with declared properties accepts no others. */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed);
  if (typeof schema !== 'object' || schema === null) return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = closed(value);
  if ('properties' in copy && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}
