import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FastifyRequest } from 'fastify';
import { isValidHost } from '../../src/http/host.js';
import { pageEnvelope } from '../../src/http/pagination.js';

/** The links as the WHATWG URL parser makes them from the whole request URL, of a Host that is a host. */
function linksByUrlParser(req: Pick<FastifyRequest, 'url' | 'protocol' | 'host'>, number: number, pages: number) {
  if (!isValidHost(req.host)) throw new Error(`not a host: ${req.host}`);
  const url = new URL(req.url, `${req.protocol}://${req.host}`);
  const link = (to: number) => {
    const params = new URLSearchParams(url.search);
    if (to === 1) params.delete('page');
    else params.set('page', String(to));
    params.sort();
    const query = params.toString();
    return `${url.origin}${url.pathname}${query ? `?${query}` : ''}`;
  };
  return { next: number < pages ? link(number + 1) : null, previous: number > 1 ? link(number - 1) : null };
}

function outcome<T>(run: () => T): { value: T } | { error: string } {
  try {
    return { value: run() };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

// Characters the URL parser treats specially somewhere (dots, escapes, slashes, the query and fragment
// marks, characters it escapes), plain ones, and some beyond ASCII.
const targetCharacter = fc.constantFrom(
  '/', '/', '.', '.', '%', '2', 'e', 'E', '?', '#', '&', '=', '+', '\\', ' ', '"', "'", '<', '>', '`', '{', '|',
  '^', '[', ']', ':', '@', ';', '~', '-', '_', 'a', 'b', 'p', 'g', '1', 'é', '\u2603', '\t', '\n', '\0', '\x7f',
  '%2f', '%00', '%2E', 'page=',
);
const target = fc.oneof(
  fc.array(targetCharacter, { maxLength: 24 }).map((chars) => `/${chars.join('')}`),
  fc.array(targetCharacter, { maxLength: 24 }).map((chars) => chars.join('')),
  fc.constantFrom('/users-list/', '/users-list/?page=2&page_size=5', '/list-messages/bob/?page=last',
    '/a/./b/', '/a/%2e%2E/b/', '//evil.example/x/', '/x/??page=2', '/x/?', '/x/?page=2#frag', '/a/.%2e/'),
);
const host = fc.oneof(
  fc.constantFrom('localhost:8000', 'LocalHost:8000', 'localhost:80', 'example.com', 'EXAMPLE.com:443',
    '[::1]:8000', '127.0.0.1', 'b\u00fccher.example', 'a@b.example', 'x/y', 'bad host', '', 'h:99999', 'h:0080'),
  // More names than the service keeps origins for.
  fc.integer({ min: 1, max: 200 }).map((n) => `host${n}.example`),
);
const protocol = fc.constantFrom('http', 'https');

test('page links are those the URL parser makes from the whole request URL, whatever the request target and Host', () => {
  fc.assert(fc.property(target, host, protocol, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 3 }),
    (url, hostHeader, scheme, number, more) => {
      const req = { url, host: hostHeader, protocol: scheme } as FastifyRequest;
      const pages = number + more;
      const page = { count: pages * 10, number, pages, results: [] };
      const ours = outcome(() => {
        const envelope = pageEnvelope(req, page, (item) => item);
        return { next: envelope.next, previous: envelope.previous };
      });
      const reference = outcome(() => linksByUrlParser(req, number, pages));
      // With no link to make the request URL is not needed, so a Host the parser refuses does no harm.
      if (pages === 1 && 'error' in reference) assert.deepEqual(ours, { value: { next: null, previous: null } });
      // A Host the parser refuses is the client's error (a 400), not the service's.
      else assert.deepEqual(ours, 'error' in reference ? { error: 'ApiError' } : reference, `${scheme}://${hostHeader} ${url}`);
    }), { numRuns: 5000 });
});
