import type { LogLevel } from '../config.js';

/**
 * What is never written to the log, wherever it appears: the credentials a request carries (session
 * and CSRF cookies, API tokens, including the `token.<key>` WebSocket subprotocol), the cookies a
 * response sets, and bodies, passwords, tokens and message content should any code log them.
 * Fastify's own request lines hold only the method, URL, host and remote address, and no body.
 */
export const LOG_REDACT_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-csrftoken"]',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  'password', '*.password',
  'token', '*.token',
  'csrf_token', '*.csrf_token',
  'content', '*.content',
];

/**
 * Pino options for Fastify: JSON lines at `level`, with LOG_REDACT_PATHS censored. `override` comes
 * from BuildOptions: false turns logging off, an object (a `stream`, another level) is laid over these.
 */
export function loggerOptions(level: LogLevel, override?: boolean | Record<string, unknown>): boolean | Record<string, unknown> {
  if (override === false) return false;
  const defaults = { level, redact: { paths: [...LOG_REDACT_PATHS], censor: '[Redacted]' } };
  return override === undefined || override === true ? defaults : { ...defaults, ...override };
}
