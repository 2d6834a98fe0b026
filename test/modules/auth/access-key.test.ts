import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessKeyHasher, hashAccessKey, newAccessKey } from '../../../src/modules/auth/access-key.js';

test('a hasher that remembers answers as the keyed hash does: for keys it kept, dropped, or never kept', () => {
  const hash = accessKeyHasher('secret', 2);
  const [first, second, third] = [newAccessKey(), newAccessKey(), newAccessKey()];
  const tooLong = 'k'.repeat(65);
  for (const key of [first, second, first, third, first, second, third, tooLong, tooLong, '']) {
    assert.equal(hash(key), hashAccessKey('secret', key), key);
  }
  assert.notEqual(accessKeyHasher('another secret')(first), hash(first), 'each secret hashes on its own');
});
