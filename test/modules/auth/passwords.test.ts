import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { argon2Passwords, hashPassword } from '../../../src/modules/auth/passwords.js';

/** The nice value of each thread of this process, by thread id (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceness(): Map<number, number> {
  const niceness = new Map<number, number>();
  for (const tid of readdirSync('/proc/self/task')) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces; the fields after it are space-separated.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    niceness.set(Number(tid), Number(fields[16]));
  }
  return niceness;
}

test('passwords hash with argon2id and verify: right, wrong, and against a hash that cannot be read', async () => {
  const stored = await hashPassword('correct horse battery staple');
  assert.match(stored, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.notEqual(await hashPassword('correct horse battery staple'), stored, 'each hash has its own salt');
  assert.equal(await argon2Passwords.verify(stored, 'correct horse battery staple'), true);
  assert.equal(await argon2Passwords.verify(stored, 'Correct horse battery staple'), false);
  assert.equal(await argon2Passwords.verify('not a hash', 'correct horse battery staple'), false);
  const many = await Promise.all(['a', 'b', 'c', 'd'].map(async (password) => {
    const hash = await hashPassword(`password ${password}`);
    return argon2Passwords.verify(hash, `password ${password}`);
  }));
  assert.deepEqual(many, [true, true, true, true], 'more hashes at once than there are slots all complete');
});

test('hashing runs on a thread below the service\'s priority, and the event loop keeps its own', { skip: process.platform !== 'linux' }, async () => {
  const before = threadNiceness();
  await hashPassword('any password');
  const after = threadNiceness();
  assert.equal(after.get(process.pid), before.get(process.pid), 'the event loop\'s thread is left as it was');
  const expected = Math.min(19, after.get(process.pid)! + 10);
  const lowered = [...after].filter(([tid, nice]) => tid !== process.pid && nice === expected);
  assert.ok(lowered.length >= 1, `no thread runs at nice ${expected}: ${JSON.stringify([...after])}`);
});
