import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import secureJson from 'secure-json-parse';
import { jsonParseError } from '../errors.js';
import { appendRouteHook } from '../http/route-hooks.js';

/**
 * JSON with the parser's reason in DRF's words, form-encoded bodies as DRF accepts them,
 * and an empty body read as an empty object (so missing fields are reported as required).
 */
/** No request of ours nests deeper than an object in an object, or carries a list near this long. */
const MAX_JSON_DEPTH = 16;
const MAX_JSON_ITEMS = 1000;

/** Why a parsed body is refused for its shape alone, or null. Iterative, so no body can exhaust the stack. */
function shapeProblem(value: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth >= MAX_JSON_DEPTH) return `nested deeper than ${MAX_JSON_DEPTH} levels`;
    const children = Array.isArray(node) ? node : Object.values(node);
    if (children.length > MAX_JSON_ITEMS) return `more than ${MAX_JSON_ITEMS} items in one array or object`;
    for (const child of children) stack.push({ value: child, depth: depth + 1 });
  }
  return null;
}

export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // Fastify matches a RegExp against the whole header, parameters included ("application/json; charset=utf-8").
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(;|$)/, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    let parsed: unknown;
    try {
      parsed = secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
    } catch (error) {
      return done(jsonParseError((error as Error).message), undefined);
    }
    const problem = shapeProblem(parsed);
    if (problem !== null) return done(jsonParseError(problem), undefined);
    done(null, parsed);
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  const emptyBodyAsObject = (req: FastifyRequest, _reply: FastifyReply, done: () => void) => {
    if (req.body === undefined) (req as { body: unknown }).body = {};
    done();
  };
  app.addHook('onRoute', (route) => {
    if (route.schema?.body) appendRouteHook(route, 'preValidation', emptyBodyAsObject);
  });
}
