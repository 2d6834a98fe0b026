import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { usernameKey } from '../../../src/modules/users/user.js';

test('a username key is the name in NFKC, lower-cased, for any text, ASCII or not', () => {
  const text = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme-ascii' }),
    fc.constantFrom('Ａｌｉｃｅ', 'ﬁona', 'BOB', 'Ǆemal', 'İpek', 'e\u0301lise', '\u2460', 'x\u00a0y'));
  fc.assert(fc.property(text, (name) => {
    assert.equal(usernameKey(name), name.normalize('NFKC').toLowerCase());
  }), { numRuns: 2000 });
});
