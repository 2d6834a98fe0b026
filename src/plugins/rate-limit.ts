import { isIPv6 } from 'node:net';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { throttled } from '../errors.js';
import { detailAnswer } from '../http/common.schemas.js';
import { appendRouteHook } from '../http/route-hooks.js';
import { loginWindows } from '../modules/auth/login-throttle.js';
import { type CounterStore, createMemoryCounterStore, type Limit, type RateWindow, windowsOf } from '../rate-limit/counter-store.js';
import { openRedisCounterStore } from '../rate-limit/redis-counter-store.js';

/** A limit a route has besides the request limits of every route. */
export type ThrottlePolicy = 'export' | 'login' | 'password-again' | 'registration' | 'send';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** See `installRateLimits`. */
    throttle?: ThrottlePolicy;
  }
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

/**
 * Each pair is a burst window and a sustained one: short bursts far above the sustained rate pass,
 * as with a token bucket, and only a client that keeps it up for minutes is held back.
 */
const USER_REQUESTS: readonly Limit[] = [
  { name: 'user-requests-10s', limit: 120, windowMs: 10 * SECOND },
  { name: 'user-requests-10m', limit: 3000, windowMs: 10 * MINUTE },
];
const ANONYMOUS_REQUESTS: readonly Limit[] = [
  { name: 'address-requests-10s', limit: 100, windowMs: 10 * SECOND },
  { name: 'address-requests-10m', limit: 2000, windowMs: 10 * MINUTE },
];
const SENDS: readonly Limit[] = [
  { name: 'user-sends-10s', limit: 30, windowMs: 10 * SECOND },
  { name: 'user-sends-10m', limit: 300, windowMs: 10 * MINUTE },
];
const REGISTRATIONS: readonly Limit[] = [{ name: 'address-registrations-1h', limit: 20, windowMs: 60 * MINUTE }];
/** Exports of one user's data: each reads their whole history. */
const USER_EXPORTS: readonly Limit[] = [{ name: 'user-exports-1h', limit: 3, windowMs: 60 * MINUTE }];
/**
 * WebSocket handshakes of one user, on every instance together: a client reconnecting with backoff makes a
 * few a minute; a loop that reconnects at once is held back.
 */
const USER_HANDSHAKES: readonly Limit[] = [{ name: 'user-handshakes-1m', limit: 30, windowMs: MINUTE }];
/**
 * Every request from one client address, whatever it is: answered or not found, with good credentials
 * or bad, a WebSocket handshake or a plain request. Far above what the limits per user and per address
 * allow a client, it bounds what they do not count (404s, 401s for bad tokens, handshakes). Counted by
 * each instance in its own memory: it is checked before anything else, on every request.
 */
const ADDRESS_ALL_REQUESTS: readonly Limit[] = [
  { name: 'address-all-10s', limit: 1000, windowMs: 10 * SECOND },
  { name: 'address-all-10m', limit: 20_000, windowMs: 10 * MINUTE },
];
/** What no limit counts: the health probes, the metrics and the API documentation. */
const UNLIMITED_PATHS = /^\/(healthz|readyz|metrics|api\/docs|api\/schema|docs)(\/|\?|$)/;
/** Registrations from one IPv6 /48, a site's or a customer's whole range: a few addresses' worth. */
const NETWORK_REGISTRATIONS: readonly Limit[] = [{ name: 'network-registrations-1h', limit: 60, windowMs: 60 * MINUTE }];

/**
 * The client address the limits count by: the socket's peer, or with TRUST_PROXY the address the
 * trusted proxies report. An IPv6 client counts by its /64, which one subscriber usually holds whole.
 */
const addressOf = (req: FastifyRequest): string => normalizeIP(req.ip);

/** An IPv6 client's /48, counted beside its /64 for failed logins and registrations; null for IPv4. */
const networkOf = (req: FastifyRequest): string | null => (isIPv6(req.ip) && !req.ip.toLowerCase().startsWith('::ffff:')
  ? normalizeIP(req.ip, 48) : null);

/** The 429 of a count that is full for another `waitMs`: whole seconds, at least one. */
const throttledFor = (waitMs: number) => throttled(Math.max(1, Math.ceil(waitMs / SECOND)));

const Throttled = detailAnswer('Too many requests: wait the seconds in `Retry-After`.', 'Request was throttled. Expected available in 42 seconds.');

type Hook = (req: FastifyRequest, reply: FastifyReply, payload?: unknown) => Promise<unknown>;

/**
 * The counters of the rate limits and of the typing notices: in memory, or with REDIS_URL in Redis, so
 * that every instance shares them. Closed with the app.
 */
export async function openCounterStore(app: FastifyInstance, config: Config): Promise<CounterStore> {
  const store = config.redisUrl
    ? await openRedisCounterStore(config.redisUrl, `${config.redisPrefix}rate:`, app.log)
    : createMemoryCounterStore();
  app.addHook('onClose', () => store.close());
  return store;
}

/**
 * The limit of every request per client address, before anything else runs (see ADDRESS_ALL_REQUESTS);
 * nothing with RATE_LIMITS=off. Installed before the routes and the authentication hooks. The health
 * probes, the metrics and the API documentation are left out, as from every limit: a load balancer's
 * probes must not find the service down because the clients behind one address were busy.
 */
export function installAddressLimit(app: FastifyInstance, config: Config): void {
  if (!config.rateLimits) return;
  const store = createMemoryCounterStore();
  app.addHook('onClose', () => store.close());
  app.addHook('onRequest', (req, _reply, done) => {
    if (UNLIMITED_PATHS.test(req.url)) return done();
    store.consume(windowsOf(ADDRESS_ALL_REQUESTS, addressOf(req))).then((waitMs) => {
      done(waitMs > 0 ? throttledFor(waitMs) : undefined);
    }, done);
  });
}

/** Counts a WebSocket handshake of the user; throws the 429 when they made too many. Null with RATE_LIMITS=off. */
export function handshakeCounter(config: Config, store: CounterStore): ((userId: number) => Promise<void>) | null {
  if (!config.rateLimits) return null;
  return async (userId) => {
    const waitMs = await store.consume(windowsOf(USER_HANDSHAKES, `user:${userId}`));
    if (waitMs > 0) throw throttledFor(waitMs);
  };
}

/**
 * Rate limits, answered as DRF's throttling does: 429 `{"detail": "Request was throttled. Expected
 * available in N seconds."}` with `Retry-After: N`. Counted in memory, or with REDIS_URL in Redis so that
 * every instance shares them; a Redis outage lets requests through unchecked. Nothing, with RATE_LIMITS=off.
 *
 * Every route registered after this is limited per user when the request is authenticated, per client
 * address when not; WebSocket handshakes are not. A route's `config.throttle` adds its own limit:
 * - `login`: failed logins (`login-throttle.ts`), checked before the password is, so that a throttled
 *   guess teaches nothing; an attempt is counted when made and refunded unless it ends in 401, so that
 *   concurrent guesses cannot slip past the count; a login that succeeds also forgets the account's
 *   earlier failures from its address;
 * - `password-again`: as `login`, for a logged-in user's password typed again (deleting the account),
 *   counted against their own account; a failure is the 400 of a wrong password;
 * - `registration`: registration attempts per client address, and for IPv6 per /48 too;
 * - `send`: messages sent per user;
 * - `export`: data exports per user.
 */
export async function installRateLimits(app: FastifyInstance, config: Config, store: CounterStore): Promise<void> {
  if (!config.rateLimits) return;
  const loginWindowMs = config.loginFailureWindowSeconds * SECOND;

  async function take(windows: readonly RateWindow[]): Promise<void> {
    const waitMs = await store.consume(windows);
    if (waitMs > 0) throw throttledFor(waitMs);
  }

  const requestWindows = (req: FastifyRequest): RateWindow[] => (req.user
    ? windowsOf(USER_REQUESTS, `user:${req.user.id}`)
    : windowsOf(ANONYMOUS_REQUESTS, addressOf(req)));
  const counted = new WeakSet<FastifyRequest>();
  const countRequest: Hook = (req) => {
    counted.add(req);
    return take(requestWindows(req));
  };
  // The request and the route's own limit per user in one step, so that a refused send or export uses up neither allowance.
  const countRequestAnd = (userLimits: readonly Limit[]): Hook => (req) => {
    counted.add(req);
    return take([...requestWindows(req), ...(req.user ? windowsOf(userLimits, `user:${req.user.id}`) : [])]);
  };
  const countRequestAndSend = countRequestAnd(SENDS);
  const countRequestAndExport = countRequestAnd(USER_EXPORTS);
  // A request refused before it was counted (no login, a bad token, no CSRF token, a foreign Origin)
  // counts as anonymous, by its address; over the limit, the refusal becomes the 429. Callback style:
  // every answer passes here, and nearly all of them at once.
  const countRefusal = (req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: Error | null, payload?: unknown) => void) => {
    if (counted.has(req) || (reply.statusCode !== 401 && reply.statusCode !== 403)) return done(null, payload);
    store.consume(windowsOf(ANONYMOUS_REQUESTS, addressOf(req))).then((waitMs) => {
      if (waitMs <= 0) return done(null, payload);
      const refusal = throttledFor(waitMs);
      reply.removeHeader('www-authenticate');
      reply.code(refusal.statusCode).headers(refusal.headers);
      done(null, JSON.stringify(refusal.body));
    }, done);
  };
  const countRegistration: Hook = (req) => {
    const network = networkOf(req);
    return take([...windowsOf(REGISTRATIONS, addressOf(req)), ...(network === null ? [] : windowsOf(NETWORK_REGISTRATIONS, network))]);
  };

  const loginAttempts = new WeakMap<FastifyRequest, string[]>();
  const countLoginAttempt = (policy: 'login' | 'password-again'): Hook => async (req) => {
    // A password typed again by a logged-in user (to delete the account) counts against that account, whatever the body says.
    const identifier = policy === 'password-again' ? req.user!.username : (req.body as { username: string }).username;
    const windows = loginWindows(identifier, addressOf(req), networkOf(req), loginWindowMs);
    await take(windows);
    loginAttempts.set(req, windows.map((window) => window.key));
  };
  // A login fails with 401; a password typed again by a logged-in user, with 400 (the field's error).
  const refundUnlessFailed = (failure: number): Hook => async (req, reply, payload) => {
    const keys = loginAttempts.get(req);
    if (keys === undefined || reply.statusCode === failure) return payload;
    await store.refund(keys);
    if (reply.statusCode < 300) await store.clear(keys.slice(0, 1));
    return payload;
  };

  // After the route's own hooks (after `requireUser`, so the user is known).
  app.addHook('onRoute', (route) => {
    // The WebSocket endpoint, declared either way @fastify/websocket takes it, is not limited.
    const socketRoute = route as { websocket?: boolean; wsHandler?: unknown };
    if (socketRoute.websocket || socketRoute.wsHandler !== undefined) return;
    const policy = route.config?.throttle;
    appendRouteHook(route, 'onRequest', policy === 'send' ? countRequestAndSend : policy === 'export' ? countRequestAndExport : countRequest);
    appendRouteHook(route, 'onSend', countRefusal);
    if (policy === 'registration') appendRouteHook(route, 'preHandler', countRegistration);
    if (policy === 'login' || policy === 'password-again') {
      appendRouteHook(route, 'preHandler', countLoginAttempt(policy));
      appendRouteHook(route, 'onSend', refundUnlessFailed(policy === 'login' ? 401 : 400));
    }
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (response !== undefined && !('429' in response)) {
      route.schema = { ...route.schema, response: { ...response, 429: Throttled } };
    }
  });
}
