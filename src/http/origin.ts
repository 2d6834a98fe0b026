import type { FastifyRequest } from 'fastify';
import { isValidHost } from './host.js';

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

/**
 * Whether a browser sent this request from a site that is neither this one nor trusted. The `Origin` says
 * where it came from; without one, the `Referer` (one that is not a URL counts as foreign); without
 * either, `Sec-Fetch-Site: cross-site`, which cannot tell a trusted site from another. Clients that are not
 * browsers send none of these, and are never taken for cross-site.
 */
export function isCrossSite(req: FastifyRequest, trusted: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  if (origin !== undefined) return !isSameOrTrustedOrigin(origin, req, trusted);
  const referer = req.headers.referer;
  if (referer !== undefined) {
    let refererOrigin: string;
    try {
      refererOrigin = new URL(referer).origin;
    } catch {
      return true;
    }
    return !isSameOrTrustedOrigin(refererOrigin, req, trusted);
  }
  return req.headers['sec-fetch-site'] === 'cross-site';
}
