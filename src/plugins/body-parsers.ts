import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { jsonParseError } from '../errors.js';

/**
 * JSON with the parser's reason in DRF's words, form-encoded bodies as DRF accepts them,
 * and an empty body read as an empty object (so missing fields are reported as required).
 */
export function installBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  // Fastify matches a RegExp against the whole header, parameters included ("application/json; charset=utf-8").
  app.addContentTypeParser(/^application\/([\w.+-]+\+)?json(;|$)/, { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, {});
    try {
      done(null, secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      done(jsonParseError((error as Error).message), undefined);
    }
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && req.routeOptions.schema?.body) (req as { body: unknown }).body = {};
  });
}
