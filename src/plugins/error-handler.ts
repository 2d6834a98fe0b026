import type { ErrorObject } from 'ajv';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/unavailable.js';
import { ApiError, fieldErrors, methodNotAllowed, notFound, payloadTooLarge, unsupportedMediaType } from '../errors.js';
import { toFieldErrors } from './validation.js';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
/** Seconds a client is asked to wait before retrying a request that met an unreachable database. */
const RETRY_AFTER_SECONDS = '1';

export const serviceUnavailable = () =>
  new ApiError(503, { detail: 'Service temporarily unavailable.' }, { 'retry-after': RETRY_AFTER_SECONDS });

/**
 * The one place where errors become responses: DRF's shapes for every 4xx, a 503 when the database
 * cannot be reached (the request may be retried), and for anything unexpected a 500 that says nothing
 * about the cause (which goes to the log instead).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, req, reply) => {
    const apiError = toApiError(error, req.body, req.headers['content-type']);
    // Error bodies are written as they are, whatever a route documents for that status; a custom
    // serializer makes Fastify leave the content type unset, so it is said here.
    reply.serializer(JSON.stringify).type(JSON_CONTENT_TYPE);
    if (apiError) return reply.code(apiError.statusCode).headers(apiError.headers).send(apiError.body);
    if (isDatabaseUnavailable(error)) {
      req.log.warn({ err: error }, 'database unavailable');
      const unavailable = serviceUnavailable();
      return reply.code(unavailable.statusCode).headers(unavailable.headers).send(unavailable.body);
    }
    req.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ detail: 'A server error occurred.' });
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?', 1)[0];
    const query = req.url.slice(path.length);
    if ((req.method === 'GET' || req.method === 'HEAD') && !path.endsWith('/')
        && app.findRoute({ method: 'GET', url: path + '/' })) {
      return reply.redirect(path + '/' + query, 301);
    }
    const allowed = HTTP_METHODS.filter((method) => app.findRoute({ method, url: path }));
    if (allowed.length > 0) {
      const error = methodNotAllowed(req.method);
      return reply.code(error.statusCode).header('allow', allowed.join(', ')).send(error.body);
    }
    const error = notFound();
    return reply.code(error.statusCode).send(error.body);
  });
}

/**
 * Fastify's `frameworkErrors` option: what it refuses before routing. A path it cannot decode, or with a
 * segment longer than `maxParamLength` (longer than any username, email or id), names nothing: 404.
 */
export function answerFrameworkError(error: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL' || error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const apiError = notFound();
    reply.code(apiError.statusCode).send(apiError.body);
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  reply.code(500).send({ detail: 'A server error occurred.' });
}

function toApiError(error: FastifyError | ApiError, body: unknown, contentType: string | undefined): ApiError | null {
  if (error instanceof ApiError) return error;
  if (error.validation) {
    return fieldErrors(toFieldErrors(error.validation as unknown as ErrorObject[], body));
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType((contentType ?? '').split(';', 1)[0].trim());
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge();
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return new ApiError(status, { detail: error.message });
  return null;
}
