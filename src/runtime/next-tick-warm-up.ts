/**
 * Calls `process.nextTick` 10,000 times before the server takes requests, so that V8 optimizes it for
 * the shape of tick Node 20 builds. Otherwise, under load, V8 may keep setting two of each tick's
 * properties through its slow runtime path for good, which costs every request. Measured, not
 * explained: see docs/performance-history.md#what-was-done-with-its-measurements.
 */
export async function warmUpNextTick(): Promise<void> {
  const noop = () => {};
  for (let turn = 0; turn < 20; turn++) {
    for (let tick = 0; tick < 500; tick++) process.nextTick(noop);
    await new Promise(setImmediate);
  }
}
