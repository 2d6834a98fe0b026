import type { FastifyRequest } from 'fastify';
import { invalidHost, invalidPage } from '../errors.js';
import { isValidHost } from './host.js';

/** DRF's PageNumberPagination: `?page=` (a number or `last`) and `?page_size=` (capped). */
export interface PageRequest {
  readonly page: number | 'last';
  readonly size: number;
}

export interface Page<T> {
  readonly count: number;
  readonly number: number;
  readonly pages: number;
  readonly results: readonly T[];
}

/** Which rows a page holds once the total is known. */
export interface PageWindow {
  readonly number: number;
  readonly pages: number;
  readonly offset: number;
  readonly limit: number;
}

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export function readPageRequest(query: { page?: string; page_size?: string }): PageRequest {
  return { page: readPageNumber(query.page), size: readPageSize(query.page_size) };
}

function readPageNumber(raw: string | undefined): number | 'last' {
  if (raw === undefined || raw === '') return 1;
  if (raw === 'last') return 'last';
  if (!/^\s*\+?\d{1,15}\s*$/.test(raw)) throw invalidPage();
  const number = Number(raw.trim());
  if (number < 1) throw invalidPage();
  return number;
}

// As in DRF, a page size that is not a positive whole number falls back to the default.
function readPageSize(raw: string | undefined): number {
  if (raw === undefined || !/^\s*\+?\d{1,15}\s*$/.test(raw)) return DEFAULT_PAGE_SIZE;
  const size = Number(raw.trim());
  if (size < 1) return DEFAULT_PAGE_SIZE;
  return Math.min(size, MAX_PAGE_SIZE);
}

/**
 * A page of a list of `count` rows: places the page (a missing one is a 404) and reads its rows, only when
 * there are any.
 */
export async function readPage<T>(request: PageRequest, count: number,
  rows: (offset: number, limit: number) => Promise<readonly T[]>): Promise<Page<T>> {
  const window = pageWindow(request, count);
  const results = count === 0 ? [] : await rows(window.offset, window.limit);
  return { count, number: window.number, pages: window.pages, results };
}

/** The window of a page over `count` rows; an empty first page is valid, any other missing page is not. */
export function pageWindow(request: PageRequest, count: number): PageWindow {
  const pages = Math.max(1, Math.ceil(count / request.size));
  const number = request.page === 'last' ? pages : request.page;
  if (number > pages) throw invalidPage();
  return { number, pages, offset: (number - 1) * request.size, limit: request.size };
}

/** The absolute URL this request was made to, as the client addressed it. */
export function requestUrl(req: FastifyRequest): URL {
  return parsedUrl(req.url, baseOf(req));
}

/** The URL of `target` on `base`, whose host is the client's Host header: one that is not a host is a 400. */
function parsedUrl(target: string, base: string): URL {
  try {
    return new URL(target, base);
  } catch {
    throw invalidHost();
  }
}

/** The scheme and Host a link is made of; 400 for a Host that is more than a host and port. */
function baseOf(req: FastifyRequest): string {
  if (!isValidHost(req.host)) throw invalidHost();
  return `${req.protocol}://${req.host}`;
}

/** The DRF envelope, with `next` and `previous` as absolute links built from this request. */
export function pageEnvelope<T, R>(req: FastifyRequest, page: Page<T>, present: (item: T) => R) {
  const location = page.pages > 1 ? requestLocation(req) : null;
  return {
    count: page.count,
    next: location && page.number < page.pages ? linkToPage(location, page.number + 1) : null,
    previous: location && page.number > 1 ? linkToPage(location, page.number - 1) : null,
    results: page.results.map(present),
  };
}

/** Where a request was made: its origin and path, and its query string (from its `?`, or empty). */
interface RequestLocation {
  readonly originAndPath: string;
  readonly search: string;
}

// A request target whose link the URL parser would not change: a path of characters it does not escape,
// with no segment that could be `.` or `..` (also written `%2e`), and a query of printable ASCII without
// `#` (the parser escapes a few of those, `"'<>`, but URLSearchParams reads them back the same).
const PLAIN_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*(\?[\x21-\x22\x24-\x5b\x5d-\x7e]*)?$/;
const DOT_SEGMENT = /(^|\/)(\.|%2e)+(\/|$)/i;
const origins = new Map<string, string>();
const MAX_ORIGINS = 64;

/**
 * `requestUrl`'s origin, path and query without parsing the whole URL for every page: the origin of a
 * scheme and Host is parsed once (a service answers to few names), and a plain request target, as
 * clients send, is taken as it is. Any other goes through the URL parser, so the links are the same
 * either way (a property test compares the two).
 */
function requestLocation(req: FastifyRequest): RequestLocation {
  const target = req.url;
  const queryAt = target.indexOf('?');
  const path = queryAt < 0 ? target : target.slice(0, queryAt);
  if (!PLAIN_TARGET.test(target) || DOT_SEGMENT.test(path)) {
    const url = requestUrl(req);
    return { originAndPath: url.origin + url.pathname, search: url.search };
  }
  return { originAndPath: originOf(req) + path, search: queryAt < 0 ? '' : target.slice(queryAt) };
}

function originOf(req: FastifyRequest): string {
  const base = `${req.protocol}://${req.host}`;
  let origin = origins.get(base);
  if (origin === undefined) {
    origin = parsedUrl('/', baseOf(req)).origin;
    // Host is the client's to choose: a client sending many keeps the service from keeping any.
    if (origins.size >= MAX_ORIGINS) origins.clear();
    origins.set(base, origin);
  }
  return origin;
}

function linkToPage(location: RequestLocation, number: number): string {
  const params = new URLSearchParams(location.search);
  if (number === 1) params.delete('page');
  else params.set('page', String(number));
  params.sort();
  const query = params.toString();
  return `${location.originAndPath}${query ? `?${query}` : ''}`;
}
