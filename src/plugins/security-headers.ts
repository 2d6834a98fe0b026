import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** For everything but the documentation pages: JSON loads nothing, and nothing may frame it. */
export const API_CSP = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * For Swagger UI: its HTML, scripts and styles all come from this origin and it runs no inline
 * script, but it sets inline styles from JavaScript, uses data: images in its stylesheet and blob:
 * URLs to show downloaded responses.
 */
export const DOCS_CSP = "default-src 'self'; base-uri 'self'; object-src 'none'; script-src 'self'; "
  + "script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; "
  + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'";

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': API_CSP,
};

/**
 * Security headers on every response, errors and redirects included. Installed on the root instance
 * before any route, so every scope inherits it; the documentation scopes replace the CSP with
 * DOCS_CSP through Swagger UI's own `staticCSP` option, whose hook runs after this one.
 */
export function installSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
}

type FrameworkErrorHandler = (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => void;

/** Fastify answers `frameworkErrors` (a URL it cannot route) outside every hook, so they get the headers here. */
export function withSecurityHeaders(handler: FrameworkErrorHandler): FrameworkErrorHandler {
  return (error, req, reply) => {
    reply.headers(SECURITY_HEADERS);
    handler(error, req, reply);
  };
}
