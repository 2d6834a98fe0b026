import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isValidEmail } from '../../../src/modules/users/email-address.js';

// Cases from Django's own tests of EmailValidator.
const VALID = [
  'email@here.com',
  'weirder-email@here.and.there.com',
  'email@[127.0.0.1]',
  'email@[2001:dead:beef::1]',
  'email@[::fffe:7f00:1]',
  'example@valid-----hyphens.com',
  'example@valid-with-hyphens.com',
  'test@domain.with.idn.tld.उदाहरण.परीक्षा',
  'dave@例え.jp',
  'email@localhost',
  '"test@test"@example.com',
  `example@atm.${'a'.repeat(63)}`,
  `example@${'a'.repeat(63)}.atm`,
  `example@${'b'.repeat(63)}.atm.${'a'.repeat(63)}`,
  '"\\\u000b"@here.com',
  'a.b-c_d+e!f#g$h%i&j\'k*l/m=n?o^p`q{r|s}t~u@example.com',
];

const INVALID = [
  '',
  'abc',
  'abc@',
  'abc@bar',
  'a @x.cz',
  'abc@.com',
  'something@@somewhere.com',
  'email@127.0.0.1',
  'email@[127.0.0.256]',
  'email@[2001:db8::12345]',
  'email@[2001:db8:0:0:0:0:1]',
  'email@[::ffff:127.0.0.256]',
  'example@invalid-.com',
  'example@-invalid.com',
  'example@invalid.com-',
  'example@inv-.alid-.com',
  'example@inv-.-alid.com',
  'test@example.com\n\n<script src="x.js">',
  '"\\\n"@here.com',
  'trailingdot@shouldfail.com.',
  `example@atm.${'a'.repeat(64)}`,
  `example@${'b'.repeat(64)}.atm.${'a'.repeat(63)}`,
  'a@b.com\n',
  'a..b@example.com',
  `${'a'.repeat(310)}@example.com`,
];

test('email addresses are checked as Django checks them, Unicode domains included', () => {
  for (const value of VALID) assert.equal(isValidEmail(value), true, JSON.stringify(value));
  for (const value of INVALID) assert.equal(isValidEmail(value), false, JSON.stringify(value));
});
