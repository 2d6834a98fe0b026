import { Redis } from 'ioredis';
import type { Bus } from './bus.js';

interface Logger {
  warn(object: object, message: string): void;
  info(object: object, message: string): void;
}

/**
 * Fan-out across instances through Redis pub/sub: one channel per user, subscribed to by the instances
 * that hold a socket of that user, and one channel that every instance hears for ended sessions.
 * While Redis is unreachable, publishing fails at once, the loss is counted, and both connections keep
 * reconnecting by themselves. Nothing waits in a queue meanwhile: the bus keeps the set of users it
 * watches, and on every reconnect subscribes exactly those, so sockets coming and going during an outage
 * cost nothing once they are gone. Channel names start with `prefix` (`<prefix>user:<id>`, `<prefix>revoke`, `<prefix>missed`).
 */
/** The channel every instance hears for ended sessions and tokens. */
export const revokeChannelOf = (prefix: string) => `${prefix}revoke`;
/** The channel every instance hears for users whose events could not be published (a JSON array of ids, or "all"). */
const missedChannelOf = (prefix: string) => `${prefix}missed`;
/** Ended credentials kept for publishing once Redis is back; past this many, every socket is told to reconnect. */
const MAX_PENDING_REVOCATIONS = 100_000;
/** Users kept whose events were lost; past this many, every socket is told to reconnect and catch up. */
const MAX_PENDING_MISSED_USERS = 10_000;

/** A notice on the missed channel; one this version cannot read counts for everyone, to be safe. */
function readMissed(message: string): number[] | 'all' {
  try {
    const parsed: unknown = JSON.parse(message);
    if (Array.isArray(parsed) && parsed.every((userId) => Number.isSafeInteger(userId))) return parsed as number[];
  } catch {
    // Falls through to 'all'.
  }
  return 'all';
}

export function createRedisBus(url: string, log: Logger, prefix = 'messaging:'): Bus {
  const userChannelPrefix = `${prefix}user:`;
  const revokeChannel = revokeChannelOf(prefix);
  const missedChannel = missedChannelOf(prefix);
  const channelOf = (userId: number) => userChannelPrefix + userId;
  const retryStrategy = (attempt: number) => Math.min(attempt * 200, 2000);
  // Named, so that CLIENT LIST tells the service's connections apart.
  const publisher = new Redis(url, {
    enableOfflineQueue: false, maxRetriesPerRequest: 0, retryStrategy, lazyConnect: false, connectionName: `${prefix}publisher`,
    // A publish that gets no answer (a partition) fails and is counted rather than waiting in memory.
    commandTimeout: 2000,
  });
  const subscriber = new Redis(url, {
    enableOfflineQueue: false, maxRetriesPerRequest: null, retryStrategy, autoResubscribe: false, connectionName: `${prefix}subscriber`,
  });
  const deliverHandlers: ((userId: number, payload: string) => void)[] = [];
  const revokeHandlers: ((credentialHash: string) => void)[] = [];
  const interruptedHandlers: (() => void)[] = [];
  const missedHandlers: ((userIds: readonly number[] | 'all') => void)[] = [];
  let lost = 0;
  let reportedDown = false;

  for (const [name, connection] of [['publisher', publisher], ['subscriber', subscriber]] as const) {
    connection.on('error', (error: Error) => {
      if (!reportedDown) log.warn({ err: error, connection: name }, 'redis unavailable; real-time fan-out degraded');
      reportedDown = true;
    });
    connection.on('ready', () => {
      if (reportedDown) log.info({ connection: name }, 'redis reconnected');
      reportedDown = false;
    });
  }

  /** The users this instance holds sockets of. */
  const watched = new Set<number>();
  /** Watches waiting for the subscriber to be ready again, by user; each settles once subscribed (or unwatched). */
  const waiting = new Map<number, { promise: Promise<void>; settle: () => void }>();

  function waitForSubscription(userId: number): Promise<void> {
    let entry = waiting.get(userId);
    if (!entry) {
      let settle!: () => void;
      const promise = new Promise<void>((resolve) => { settle = resolve; });
      waiting.set(userId, (entry = { promise, settle }));
    }
    return entry.promise;
  }

  function settleWaiting(userId: number): void {
    waiting.get(userId)?.settle();
    waiting.delete(userId);
  }

  // Until it resubscribes, what is published reaches this instance no more: its sockets must hear of it.
  let subscribed = false;
  subscriber.on('ready', () => {
    subscribed = true;
    const users = [...watched];
    subscriber.subscribe(revokeChannel, missedChannel, ...users.map(channelOf)).then(() => {
      for (const userId of users) if (watched.has(userId)) settleWaiting(userId);
    }, () => {});
  });
  let closing = false;
  subscriber.on('close', () => {
    if (!subscribed || closing) return;
    subscribed = false;
    for (const handler of interruptedHandlers) handler();
  });

  subscriber.on('message', (channel: string, message: string) => {
    if (channel === revokeChannel) {
      for (const handler of revokeHandlers) handler(message);
      return;
    }
    if (channel === missedChannel) {
      const userIds = readMissed(message);
      if (userIds === 'all' && message !== '"all"') log.warn({ channel }, 'unreadable notice of missed events; every socket told to catch up');
      for (const handler of missedHandlers) handler(userIds);
      return;
    }
    const userId = Number(channel.slice(userChannelPrefix.length));
    for (const handler of deliverHandlers) handler(userId, message);
  });

  // What could not be published is made good once the publisher is back: ended credentials are published
  // then (a logout must close its sockets everywhere, however late), and the users whose events were lost
  // are named, so that every instance tells their sockets to reconnect and catch up.
  const pendingRevocations = new Set<string>();
  const missedUsers = new Set<number>();
  let missedEveryone = false;

  function publishUsersMissed(): void {
    if (!missedEveryone && missedUsers.size === 0) return;
    const named: number[] | 'all' = missedEveryone ? 'all' : [...missedUsers];
    missedEveryone = false;
    missedUsers.clear();
    publisher.publish(missedChannel, JSON.stringify(named)).catch(() => {
      if (named === 'all') missedEveryone = true;
      else for (const userId of named) noteMissed(userId);
    });
  }

  function noteMissed(userId: number): void {
    if (missedUsers.size >= MAX_PENDING_MISSED_USERS) missedEveryone = true;
    else missedUsers.add(userId);
  }

  function publishRevocation(credentialHash: string): void {
    publisher.publish(revokeChannel, credentialHash).then(() => pendingRevocations.delete(credentialHash), () => {
      if (pendingRevocations.size < MAX_PENDING_REVOCATIONS) pendingRevocations.add(credentialHash);
      else missedEveryone = true;
    });
  }

  publisher.on('ready', () => {
    for (const credentialHash of pendingRevocations) publishRevocation(credentialHash);
    publishUsersMissed();
  });

  function publishEvent(userId: number, payload: string): void {
    publisher.publish(channelOf(userId), payload).catch((error: Error) => {
      lost += 1;
      noteMissed(userId);
      log.warn({ err: error, userId, lost }, 'real-time event lost: redis publish failed');
    });
  }

  return {
    deliversOnlyHere: false,
    publish: publishEvent,
    revoke: publishRevocation,
    watch(userId) {
      watched.add(userId);
      // While Redis is down the subscribe fails at once, and the next 'ready' subscribes every watched user.
      if (subscriber.status !== 'ready') return waitForSubscription(userId);
      return subscriber.subscribe(channelOf(userId)).then(() => {}, () => waitForSubscription(userId));
    },
    unwatch(userId) {
      watched.delete(userId);
      settleWaiting(userId);
      // Failing while Redis is down is harmless: the next 'ready' subscribes only the watched users.
      if (subscriber.status === 'ready') void subscriber.unsubscribe(channelOf(userId)).catch(() => {});
    },
    onDeliver(handler) {
      deliverHandlers.push(handler);
    },
    onRevoke(handler) {
      revokeHandlers.push(handler);
    },
    onInterrupted(handler) {
      interruptedHandlers.push(handler);
    },
    onMissed(handler) {
      missedHandlers.push(handler);
    },
    get lostCount() {
      return lost;
    },
    async close() {
      closing = true;
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}
