/**
 * Calls `process.nextTick` often enough, before the server takes requests, for V8 to optimize it
 * while only this calls it.
 *
 * Node 20 builds each tick as an object literal with two symbol-keyed properties. Where V8 stores
 * such a property it remembers the one object shape it saw, and on seeing a second it gives up on the
 * store for good: from then on every tick sets both properties through V8's runtime. Under HTTP load,
 * without this, the service's nextTick always ended there, 500 to 900 ns a call instead of 70 (a tick
 * queued and run), about 4 % of the CPU of a history page; after this, it never did, wherever in the
 * startup it ran (measured with `perf` and a loop of nextTick calls after a load). Which second shape
 * appears, and why an early optimization keeps it away, we have not found. It takes a few milliseconds.
 */
export async function warmUpNextTick(): Promise<void> {
  const noop = () => {};
  for (let turn = 0; turn < 20; turn++) {
    for (let tick = 0; tick < 500; tick++) process.nextTick(noop);
    await new Promise(setImmediate);
  }
}
