import type { FastifyRequest } from 'fastify';
import { isValidHost } from '../http/host.js';

/**
 * Whether an `Origin` header names the site the request was sent to (same host and port), or one of
 * the trusted origins. Schemes are not compared, so that a TLS-terminating proxy in front works.
 */
export function isSameOrTrustedOrigin(origin: string, req: FastifyRequest, trusted: ReadonlySet<string>): boolean {
  if (trusted.has(origin)) return true;
  // Fastify's host: the proxy's X-Forwarded-Host when the proxy is trusted (TRUST_PROXY), else Host.
  const host = req.host;
  if (!isValidHost(host)) return false;
  try {
    // Both sides through URL, so that a default port written out ("Host: localhost:80") equals none.
    return new URL(origin).host === new URL(`${req.protocol}://${host}`).host;
  } catch {
    return false;
  }
}
