/** One window of a rate limit: at most `limit` events under `key`, counted from the first for `windowMs`. */
export interface RateWindow {
  readonly key: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** A limit as it is written down: its name, and `limit` events in `windowMs`, for each subject apart. */
export interface Limit {
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
}

/** The windows of `limits` for one subject (a user, an address): each keyed by the limit's name and the subject. */
export const windowsOf = (limits: readonly Limit[], subject: string): RateWindow[] =>
  limits.map(({ name, limit, windowMs }) => ({ key: `${name}:${subject}`, limit, windowMs }));

/**
 * Counters of fixed windows. A window opens with the first event counted under its key and closes
 * `windowMs` later, forgetting its count: nothing is refused for longer than one window.
 */
export interface CounterStore {
  /**
   * Counts one event in every window, or in none: when one of them is full already, nothing is counted
   * and the answer is how many milliseconds remain until every full one closes. 0 means counted.
   */
  consume(windows: readonly RateWindow[]): Promise<number>;
  /** Takes back one event that `consume` counted under each key, if its window is still open. */
  refund(keys: readonly string[]): Promise<void>;
  /** Forgets every event counted under each key: its window closes now. */
  clear(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

interface Counter {
  count: number;
  closesAt: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/** Counters in this process: one instance's own limits, forgotten on restart. */
export function createMemoryCounterStore(now: () => number = Date.now): CounterStore {
  const counters = new Map<string, Counter>();
  const open = (key: string, at: number): Counter | undefined => {
    const counter = counters.get(key);
    return counter !== undefined && counter.closesAt > at ? counter : undefined;
  };
  const sweep = setInterval(() => {
    const at = now();
    for (const [key, counter] of counters) if (counter.closesAt <= at) counters.delete(key);
  }, SWEEP_INTERVAL_MS);
  sweep.unref();

  return {
    async consume(windows) {
      const at = now();
      let waitMs = 0;
      for (const window of windows) {
        const counter = open(window.key, at);
        if (counter !== undefined && counter.count >= window.limit) waitMs = Math.max(waitMs, counter.closesAt - at);
      }
      if (waitMs > 0) return waitMs;
      for (const window of windows) {
        const counter = open(window.key, at);
        if (counter !== undefined) counter.count += 1;
        else counters.set(window.key, { count: 1, closesAt: at + window.windowMs });
      }
      return 0;
    },

    async refund(keys) {
      const at = now();
      for (const key of keys) {
        const counter = open(key, at);
        if (counter === undefined) continue;
        counter.count -= 1;
        if (counter.count <= 0) counters.delete(key);
      }
    },

    async clear(keys) {
      for (const key of keys) counters.delete(key);
    },

    async close() {
      clearInterval(sweep);
      counters.clear();
    },
  };
}
