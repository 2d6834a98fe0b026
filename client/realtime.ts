import type { ApiClient } from './api-client.js';
import { unwrap } from './api-client.js';
import type { paths } from './schema.js';

/** A message as the API shows it. */
export type Message = paths['/messages/{id}/']['get']['responses'][200]['content']['application/json'];

/** The events of `/ws/` (docs/realtime.md), as they arrive. */
export type RealtimeEvent =
  | { type: 'message.created' | 'message.updated' | 'message.deleted'; conversation: number; message: Message; caughtUp?: boolean }
  | { type: 'conversation.read'; conversation: number; reader: number; reader_username: string; last_read_id: number; unread_count: number }
  | { type: 'typing'; conversation: number; from: number; from_username: string }
  | { type: 'error'; detail: string };

/** connecting: a socket is being opened; live: events arrive; offline: none is open (a retry may be due). */
export type ConnectionState = 'connecting' | 'live' | 'offline';

/** What the helper needs of a WebSocket: the browser's and the `ws` package's both fit. */
export interface SocketLike {
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export type OpenSocket = (url: string, protocols: string[]) => SocketLike;

export interface RealtimeOptions {
  /** Where the service is (`http://…` or `https://…`); the socket goes to its `/ws/`. */
  baseUrl: string;
  /** The API client whose session or token the socket uses, and which catches up after a reconnect. */
  client: ApiClient;
  /** The username of the client's user: the other member of a conversation is its peer. */
  me: string;
  onEvent(event: RealtimeEvent): void;
  onStateChange?(state: ConnectionState): void;
  /** Called once a reconnected socket has caught up, so that the caller can refresh its inbox. */
  onCaughtUp?(): void;
  /** How to open a socket; the global WebSocket by default (a browser's). */
  openSocket?: OpenSocket;
  /** The first wait before reconnecting, doubled after each failed attempt up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export const WS_PROTOCOL = 'messaging.v1';
/** The session or token ended: reconnecting cannot help until the user logs in again. */
const CLOSE_SESSION_ENDED = 4001;
/**
 * After a reconnect, each conversation is read again from the highest id seen this long before the
 * socket dropped: events of one conversation can arrive out of id order (docs/realtime.md).
 */
const CATCH_UP_OVERLAP_MS = 10_000;
const CATCH_UP_PAGE = 100;

interface Followed {
  peer: string;
  /** Ids seen, with when, for the last CATCH_UP_OVERLAP_MS, and the highest id seen before them. */
  recent: { id: number; at: number }[];
  settled: number;
}

/**
 * Keeps a WebSocket open to the service: it reconnects with exponential backoff and jitter, reports its
 * state, and after each reconnect waits for `ready` and then reads what it missed with
 * `GET /list-messages/<peer>/?after=<id>` for every conversation it has seen or been told to follow
 * (those messages arrive as `message.created` events with `caughtUp: true`).
 */
export function connectRealtime(options: RealtimeOptions) {
  const openSocket = options.openSocket ?? ((url, protocols) => {
    const WebSocketClass = (globalThis as unknown as { WebSocket: new (url: string, protocols: string[]) => SocketLike }).WebSocket;
    return new WebSocketClass(url, protocols);
  });
  const initialDelayMs = options.initialDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const followed = new Map<number, Followed>();
  let socket: SocketLike | null = null;
  let state: ConnectionState = 'offline';
  let failures = 0;
  let connectedBefore = false;
  let droppedAt = 0;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;

  const url = new URL('/ws/', options.baseUrl);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

  function setState(next: ConnectionState): void {
    if (next === state) return;
    state = next;
    options.onStateChange?.(next);
  }

  function seen(conversation: number, message: Message): void {
    const peer = message.sender_username === options.me ? message.recipient_username : message.sender_username;
    let entry = followed.get(conversation);
    if (!entry) followed.set(conversation, (entry = { peer, recent: [], settled: 0 }));
    const now = Date.now();
    entry.recent.push({ id: message.id, at: now });
    settle(entry, now - CATCH_UP_OVERLAP_MS);
  }

  /** Ids seen before `before` settle: the highest of them is where a catch-up starts. */
  function settle(entry: Followed, before: number): void {
    while (entry.recent.length > 0 && entry.recent[0].at <= before) {
      entry.settled = Math.max(entry.settled, entry.recent.shift()!.id);
    }
  }

  function connect(): void {
    if (stopped) return;
    setState('connecting');
    const protocols = [WS_PROTOCOL, ...(options.client.token === null ? [] : [`token.${options.client.token}`])];
    const current = openSocket(url.toString(), protocols);
    socket = current;
    current.onmessage = (frame) => {
      let event: RealtimeEvent | { type: 'ready' };
      try {
        event = JSON.parse(String(frame.data));
      } catch {
        return;
      }
      if (event.type === 'ready') {
        failures = 0;
        setState('live');
        if (connectedBefore) void catchUp();
        connectedBefore = true;
        return;
      }
      if ('message' in event) seen(event.conversation, event.message);
      options.onEvent(event);
    };
    current.onerror = () => {};
    current.onclose = (closing) => {
      if (socket !== current) return;
      socket = null;
      droppedAt = Date.now();
      setState('offline');
      if (stopped || closing.code === CLOSE_SESSION_ENDED) return;
      failures += 1;
      const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1));
      // Full jitter over the upper half, so that clients cut off together do not return together.
      retry = setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
    };
  }

  /** Reads, for every followed conversation, what was sent since a little before the drop. */
  async function catchUp(): Promise<void> {
    for (const [conversation, entry] of followed) {
      settle(entry, droppedAt - CATCH_UP_OVERLAP_MS);
      // Nothing seen that long before the drop: from just below the earliest id seen since.
      let after = entry.settled > 0 || entry.recent.length === 0
        ? entry.settled
        : Math.max(0, Math.min(...entry.recent.map((seenId) => seenId.id)) - 1);
      for (;;) {
        const slice = unwrap(await options.client.api.GET('/list-messages/{recipient}/', {
          params: { path: { recipient: entry.peer }, query: { after, limit: CATCH_UP_PAGE } },
        }));
        if (!('has_newer' in slice)) break;
        for (const message of slice.results) {
          seen(conversation, message);
          options.onEvent({ type: 'message.created', conversation, message, caughtUp: true });
        }
        if (!slice.has_newer || slice.results.length === 0) break;
        after = slice.results[slice.results.length - 1].id;
      }
    }
    options.onCaughtUp?.();
  }

  connect();

  return {
    get state(): ConnectionState {
      return state;
    },

    /** Follows the conversation with `peer` from message `lastSeenId` on, for catching up (the app's open conversations). */
    follow(conversation: number, peer: string, lastSeenId: number): void {
      const entry = followed.get(conversation);
      if (entry) entry.settled = Math.max(entry.settled, lastSeenId);
      else followed.set(conversation, { peer, recent: [], settled: lastSeenId });
    },

    /** Tells `to` (a username or email) that the user is typing; false when no socket is live. */
    typing(to: string): boolean {
      if (state !== 'live' || socket === null) return false;
      socket.send(JSON.stringify({ type: 'typing', to }));
      return true;
    },

    /** Closes the socket for good. */
    close(): void {
      stopped = true;
      clearTimeout(retry);
      socket?.close(1000, 'Closed by the client');
      setState('offline');
    },
  };
}

export type Realtime = ReturnType<typeof connectRealtime>;
