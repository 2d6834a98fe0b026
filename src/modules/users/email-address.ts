import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import { NON_ASCII } from './user.js';

// Django's EmailValidator, whose rules registration follows (`format: 'email'`). A quoted local part may
// hold control characters, as RFC 5322's quoted-string does.
// eslint-disable-next-line no-control-regex
const USER_PART = /^(?:[-!#$%&'*+/=?^_`{}|~0-9A-Z]+(?:\.[-!#$%&'*+/=?^_`{}|~0-9A-Z]+)*|"(?:[\x01-\x08\x0b\x0c\x0e-\x1f!#-[\]-\x7f]|\\[\x01-\x09\x0b\x0c\x0e-\x7f])*")$/i;
// Labels of at most 63 characters; the last of 2 to 63 letters, digits or hyphens, not ending in one.
const DOMAIN_PART = /^(?:[A-Z0-9](?:[A-Z0-9-]{0,61}[A-Z0-9])?\.)+[A-Z0-9-]{1,62}[A-Z0-9]$/i;
const ADDRESS_LITERAL = /^\[([A-F0-9:.]+)\]$/i;
const MAX_LENGTH = 320;
// eslint-disable-next-line no-control-regex
const ASCII_SPACE_OR_CONTROL = /[\x00-\x20\x7f]/;

/**
 * Whether `value` is an email address by Django's EmailValidator: a dot-atom or quoted local part, and
 * a domain name, `localhost`, or an IPv4 or IPv6 address in brackets. A domain in Unicode (`例え.jp`)
 * counts by its IDNA form, as Django tries it; the address is kept as written.
 */
export function isValidEmail(value: string): boolean {
  if (value.length === 0 || value.length > MAX_LENGTH) return false;
  const at = value.lastIndexOf('@');
  if (at < 0 || !USER_PART.test(value.slice(0, at))) return false;
  const domain = value.slice(at + 1);
  if (domain === 'localhost' || isValidDomainPart(domain)) return true;
  // Only a domain in Unicode has another form, and the URL parser would drop white space Python keeps.
  if (!NON_ASCII.test(domain) || ASCII_SPACE_OR_CONTROL.test(domain)) return false;
  const ascii = domainToASCII(domain);
  return ascii !== '' && isValidDomainPart(ascii);
}

function isValidDomainPart(domain: string): boolean {
  if (DOMAIN_PART.test(domain)) return true;
  const literal = ADDRESS_LITERAL.exec(domain);
  return literal !== null && isIP(literal[1]) !== 0;
}
