/**
 * What a filled database holds, worked out in memory before anything is written, so that the rows of
 * every table, counters included, are exactly those the service would have left after the same sends.
 *
 * Users are `user1` ... `userN` (ids 1..N). The conversation of user1 and user2 (the featured one)
 * holds a tenth of the messages, spread evenly over time; the others go at random to pairs of users
 * who are neighbours on a ring (each user talks to about 2 × PEERS_EACH_WAY others). Conversations
 * take their ids in the order of their first message, as they would when created by the first send.
 */

/** Each user may talk to the next this many users on the ring (and is talked to by the previous as many). */
const PEERS_EACH_WAY = 10;
const FEATURED_SHARE = 0.1;
/** Time between two consecutive messages. */
const MESSAGE_INTERVAL_MS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const SEED = 20_261_125;

export interface FillSize {
  readonly users: number;
  readonly messages: number;
}

export interface FillPlan extends FillSize {
  /** When user accounts were created. */
  readonly joinedAt: number;
  /** Message `id` (1-based) was created at firstMessageAt + (id - 1) × intervalMs. */
  readonly firstMessageAt: number;
  readonly intervalMs: number;
  /** Indexed by message id - 1. */
  readonly messageConversation: Int32Array;
  readonly messageSender: Int32Array;
  readonly messageRecipient: Int32Array;
  /** Indexed by conversation id - 1. */
  readonly conversations: ConversationTotals;
  /** Ids of the featured conversation's messages, in order. */
  readonly featuredMessageIds: Int32Array;
}

/** Per conversation: its pair, and what the sends left in its row and its members' rows. */
export interface ConversationTotals {
  readonly count: number;
  readonly lowUser: Int32Array;
  readonly highUser: Int32Array;
  readonly messageCount: Int32Array;
  readonly lastMessageId: Int32Array;
  /** Messages the low user received in it (none read: the sends leave every read mark at 0). */
  readonly lowUnread: Int32Array;
  readonly highUnread: Int32Array;
}

export function usernameOf(userId: number): string {
  return `user${userId}`;
}

export function emailOf(userId: number): string {
  return `user${userId}@example.com`;
}

export function passwordOf(username: string): string {
  return `password-${username}`;
}

export function messageCreatedAt(plan: FillPlan, messageId: number): number {
  return plan.firstMessageAt + (messageId - 1) * plan.intervalMs;
}

/** A varied text of 20 to ~140 characters, the same for the same id. */
export function contentOf(messageId: number): string {
  const phrase = PHRASES[messageId % PHRASES.length];
  const tail = TAILS[Math.floor(messageId / PHRASES.length) % TAILS.length];
  return [phrase, tail, `(#${messageId})`].filter(Boolean).join(' ');
}

const PHRASES = [
  'Hi!',
  'Are we still on for tomorrow?',
  'Sounds good to me.',
  'I pushed the changes, can you have a look when you get a minute?',
  'Running late, be there in ten.',
  'Thanks, that fixed it.',
  'Did you see the numbers from last week? They look much better than we expected.',
  'ok',
  'Lunch at noon?',
  'Could you send me the document again, the link seems to have expired.',
  'Happy birthday!',
  'Let me check and get back to you.',
];

const TAILS = ['', 'See you.', 'Cheers', 'Talk soon, and say hello to everyone from me.', ':)', 'Best regards'];

/** A small fast deterministic generator (mulberry32): the same plan for the same size. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The ring pairs other than (1, 2), each as [low, high]. */
function otherPairs(users: number): [number, number][] {
  const pairs: [number, number][] = [];
  const reach = Math.min(PEERS_EACH_WAY, Math.floor((users - 1) / 2));
  for (let user = 1; user <= users; user += 1) {
    for (let step = 1; step <= reach; step += 1) {
      const peer = ((user - 1 + step) % users) + 1;
      const low = Math.min(user, peer);
      const high = Math.max(user, peer);
      if (low !== 1 || high !== 2) pairs.push([low, high]);
    }
  }
  return pairs;
}

export function planFill(size: FillSize, now = Date.now()): FillPlan {
  const { users, messages } = size;
  if (!Number.isInteger(users) || users < 2) throw new Error('a fill needs at least 2 users');
  if (!Number.isInteger(messages) || messages < 0) throw new Error('the number of messages must be a whole number >= 0');

  const pairs = otherPairs(users);
  const featured = pairs.length === 0 ? messages : Math.ceil(messages * FEATURED_SHARE);
  const random = randomSource(SEED);

  const messageConversation = new Int32Array(messages);
  const messageSender = new Int32Array(messages);
  const messageRecipient = new Int32Array(messages);
  const featuredMessageIds = new Int32Array(featured);

  // Conversation ids by pair index (-1 for the featured pair), given on first use.
  const conversationOfPair = new Int32Array(pairs.length);
  let featuredConversation = 0;
  const lowUser: number[] = [];
  const highUser: number[] = [];
  const newConversation = (low: number, high: number) => {
    lowUser.push(low);
    highUser.push(high);
    return lowUser.length;
  };

  let featuredSoFar = 0;
  for (let index = 0; index < messages; index += 1) {
    // Featured messages fall evenly: message `index` is one when it crosses the next multiple.
    const isFeatured = Math.floor(((index + 1) * featured) / messages) > featuredSoFar;
    let low: number;
    let high: number;
    let conversation: number;
    if (isFeatured) {
      [low, high] = [1, 2];
      featuredConversation ||= newConversation(1, 2);
      conversation = featuredConversation;
      featuredMessageIds[featuredSoFar] = index + 1;
      featuredSoFar += 1;
    } else {
      const pair = Math.floor(random() * pairs.length);
      [low, high] = pairs[pair];
      conversationOfPair[pair] ||= newConversation(low, high);
      conversation = conversationOfPair[pair];
    }
    const lowSends = random() < 0.5;
    messageConversation[index] = conversation;
    messageSender[index] = lowSends ? low : high;
    messageRecipient[index] = lowSends ? high : low;
  }

  const count = lowUser.length;
  const totals: ConversationTotals = {
    count,
    lowUser: Int32Array.from(lowUser),
    highUser: Int32Array.from(highUser),
    messageCount: new Int32Array(count),
    lastMessageId: new Int32Array(count),
    lowUnread: new Int32Array(count),
    highUnread: new Int32Array(count),
  };
  for (let index = 0; index < messages; index += 1) {
    const slot = messageConversation[index] - 1;
    totals.messageCount[slot] += 1;
    totals.lastMessageId[slot] = index + 1;
    if (messageRecipient[index] === totals.lowUser[slot]) totals.lowUnread[slot] += 1;
    else totals.highUnread[slot] += 1;
  }

  const firstMessageAt = now - messages * MESSAGE_INTERVAL_MS;
  return {
    users,
    messages,
    joinedAt: firstMessageAt - DAY_MS,
    firstMessageAt,
    intervalMs: MESSAGE_INTERVAL_MS,
    messageConversation,
    messageSender,
    messageRecipient,
    conversations: totals,
    featuredMessageIds,
  };
}
