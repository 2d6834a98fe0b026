import type { FastifyRequest } from 'fastify';
import { invalidPage } from '../errors.js';

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

/** The window of a page over `count` rows; an empty first page is valid, any other missing page is not. */
export function pageWindow(request: PageRequest, count: number): PageWindow {
  const pages = Math.max(1, Math.ceil(count / request.size));
  const number = request.page === 'last' ? pages : request.page;
  if (number > pages) throw invalidPage();
  return { number, pages, offset: (number - 1) * request.size, limit: request.size };
}

/** The absolute URL this request was made to, as the client addressed it. */
export function requestUrl(req: FastifyRequest): URL {
  return new URL(req.url, `${req.protocol}://${req.host}`);
}

/** The DRF envelope, with `next` and `previous` as absolute links built from this request. */
export function pageEnvelope<T, R>(req: FastifyRequest, page: Page<T>, present: (item: T) => R) {
  const url = requestUrl(req);
  return {
    count: page.count,
    next: page.number < page.pages ? linkToPage(url, page.number + 1) : null,
    previous: page.number > 1 ? linkToPage(url, page.number - 1) : null,
    results: page.results.map(present),
  };
}

function linkToPage(url: URL, number: number): string {
  const params = new URLSearchParams(url.search);
  if (number === 1) params.delete('page');
  else params.set('page', String(number));
  params.sort();
  const query = params.toString();
  return `${url.origin}${url.pathname}${query ? `?${query}` : ''}`;
}
