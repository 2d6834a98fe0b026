import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isoTime } from '../../src/http/iso-time.js';

const MAX_DATE_MS = 8.64e15;
const DAY_MS = 86_400_000;

test('a time is written as toISOString writes it, whichever time came before', () => {
  const anyTime = fc.oneof(
    fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seconds) => seconds * 1000 + (seconds % 1000)),
    fc.double({ min: -MAX_DATE_MS, max: MAX_DATE_MS, noNaN: true }),
    fc.double({ min: -MAX_DATE_MS, max: MAX_DATE_MS, noNaN: true }).map(Math.trunc),
    fc.constantFrom(0, 999, 1000, DAY_MS - 1, DAY_MS, 253_402_300_799_999, 253_402_300_800_000, -1),
  );
  // Runs of times a few hours apart, as a page of messages holds, around any time.
  const runOfTimes = fc.tuple(anyTime, fc.array(fc.integer({ min: 0, max: 6 * 3_600_000 }), { maxLength: 12 }))
    .map(([start, steps]) => steps.reduce((times, step) => [...times, times[times.length - 1] + step], [start]));
  fc.assert(fc.property(fc.array(runOfTimes, { maxLength: 4 }), (runs) => {
    for (const millis of runs.flat()) {
      if (Math.abs(millis) > MAX_DATE_MS) continue;
      assert.equal(isoTime(millis), new Date(millis).toISOString(), String(millis));
    }
  }), { numRuns: 2000 });
});
