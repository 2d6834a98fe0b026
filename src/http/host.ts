/**
 * A Host (or trusted X-Forwarded-Host) that names a host and nothing else: a domain name or IPv4 address
 * (letters, digits, `.`, `-`, `_` for container names, and anything beyond ASCII, which the URL parser
 * makes punycode), or an IPv6 address in brackets, with an optional port. As Django's `validate_host`
 * checks, and so that a Host such as `x/y@z` or `h?x` cannot slip a path, a user or a query into a URL
 * built from it: the URL parser would take the part before them as the host, and a page link would name
 * another site.
 */
const VALID_HOST = /^(?:[A-Za-z0-9._\u0080-\uffff-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export function isValidHost(host: string): boolean {
  return VALID_HOST.test(host);
}
