/**
 * Calls `process.nextTick` often enough, before the server takes requests, for V8 to optimize it
 * while only this calls it.
 *
 * Node 20 builds each tick as an object literal of four properties, two of them symbol-keyed. Under
 * HTTP load, without this, the service's nextTick always ended up setting those two through V8's
 * runtime (`Runtime_DefineKeyedOwnPropertyInLiteral` in `perf`, about 4 % of the CPU of a history page):
 * 500 to 900 ns a call instead of 70 (a tick queued and run, timed in a loop after the load). After this
 * warm-up it never did, wherever in the startup it ran, and also after a mixed load of sends, logins,
 * inboxes and pages; 500 or 2,000 calls were not enough. Why, we have not found. It takes a few
 * milliseconds.
 */
export async function warmUpNextTick(): Promise<void> {
  const noop = () => {};
  for (let turn = 0; turn < 20; turn++) {
    for (let tick = 0; tick < 500; tick++) process.nextTick(noop);
    await new Promise(setImmediate);
  }
}
