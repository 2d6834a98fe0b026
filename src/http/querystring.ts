import { parse } from 'fast-querystring';

/**
 * Query strings as Django reads them: a parameter given twice (`?page=1&page=2`) has its last value,
 * as `request.query_params.get` answers, rather than becoming a list no parameter's schema takes.
 * Parsed by the parser Fastify's router uses itself (a third of the time of `node:querystring`).
 */
export function parseQuerystring(query: string): Record<string, string> {
  const params = parse(query) as Record<string, string | string[]>;
  for (const key in params) {
    const value = params[key];
    if (typeof value !== 'string') params[key] = value[value.length - 1];
  }
  return params as Record<string, string>;
}
