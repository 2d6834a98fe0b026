import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';
import type { FastifyInstance } from 'fastify';
import WebSocket from 'ws';
import { WS_PROTOCOL } from '../../src/plugins/realtime.js';
import type { TestClient } from './client.js';

/** A server event as the tests read it: the fields of every event type, all optional but `type`. */
export interface ServerEvent {
  type: string;
  conversation?: number | null;
  message?: {
    id: number; sender: number; recipient: number; sender_username: string; recipient_username: string;
    content: string; edited_at: string | null; deleted: boolean; client_id?: string | null;
  };
  reader?: number;
  reader_username?: string;
  last_read_id?: number;
  unread_count?: number;
  from?: number;
  from_username?: string;
  detail?: string;
}

export interface Closed {
  code: number;
  reason: string;
}

export interface ConnectOptions {
  /** Whose session cookie to send. */
  as?: TestClient;
  /** An API token, offered as the subprotocol `token.<key>`. */
  token?: string;
  origin?: string;
  /** false: the client does not answer pings (a dead peer, for the heartbeat). */
  autoPong?: boolean;
  /** A path other than `/ws/`, e.g. with a query string. */
  path?: string;
  /** Subprotocols to offer in place of `messaging.v1` (the token's is still added). */
  protocols?: string[];
  /** false: answer the socket once open, without waiting for its ready event. */
  awaitReady?: boolean;
}

export interface Refusal {
  status: number;
  body: string;
}

const DEFAULT_WAIT_MS = 3000;

interface Recording {
  /** Events received and not yet taken by `nextEvent`. */
  readonly pending: ServerEvent[];
  readonly changed: Set<() => void>;
  closedWith?: Closed;
}

const recordings = new WeakMap<WebSocket, Recording>();

/** Listens on an ephemeral port of 127.0.0.1; answers the base URL (`http://127.0.0.1:<port>`). */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

function open(t: TestContext, baseUrl: string, options: ConnectOptions): WebSocket {
  const protocols = [...(options.protocols ?? [WS_PROTOCOL]), ...(options.token === undefined ? [] : [`token.${options.token}`])];
  const headers: Record<string, string> = {};
  if (options.as && options.as.cookies.size > 0) {
    headers.cookie = [...options.as.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + (options.path ?? '/ws/'), protocols, {
    headers, origin: options.origin, autoPong: options.autoPong ?? true, handshakeTimeout: DEFAULT_WAIT_MS,
  });
  t.after(() => socket.terminate());
  return socket;
}

/** An open socket, recording what it receives; fails if the handshake is refused. */
export function connect(t: TestContext, baseUrl: string, options: ConnectOptions = {}): Promise<WebSocket> {
  const socket = open(t, baseUrl, options);
  const recording: Recording = { pending: [], changed: new Set() };
  recordings.set(socket, recording);
  const notify = () => { for (const listener of recording.changed) listener(); };
  socket.on('message', (data) => {
    recording.pending.push(JSON.parse(String(data)) as ServerEvent);
    notify();
  });
  socket.once('close', (code, reason) => {
    recording.closedWith = { code, reason: reason.toString() };
    notify();
  });
  const opened = new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
  // Events reach a socket from its ready frame on; one that is closed before that is answered as it is.
  return opened.then(async () => {
    if (options.awaitReady === false) return socket;
    const first = await waitFor(socket, () => recording.pending[0] ?? recording.closedWith, DEFAULT_WAIT_MS, () => 'ready event');
    if ('type' in first) {
      assert.equal(first.type, 'ready', 'the first frame of a socket is the ready event');
      recording.pending.shift();
    }
    return socket;
  });
}

/** The HTTP answer to a handshake the server refuses; fails if a socket opens instead. */
export function refused(t: TestContext, baseUrl: string, options: ConnectOptions = {}): Promise<Refusal> {
  const socket = open(t, baseUrl, options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => reject(new Error('the handshake was accepted: a socket opened')));
    socket.once('error', reject);
    socket.once('unexpected-response', (req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
      });
    });
  });
}

function recordingOf(socket: WebSocket): Recording {
  const recording = recordings.get(socket);
  if (!recording) throw new Error('not a socket made by connect()');
  return recording;
}

/** Waits until `check` answers something other than undefined, or fails after `timeoutMs`. */
function waitFor<T>(socket: WebSocket, check: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
  const { changed } = recordingOf(socket);
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const found = check();
      if (found === undefined) return false;
      finish();
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      finish();
      reject(new Error(`no ${what()} within ${timeoutMs} ms`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      changed.delete(attempt);
    };
    changed.add(attempt);
    attempt();
  });
}

/**
 * Takes the first event received (or to come) that matches: a type, or a predicate. Other events
 * stay pending, in order.
 */
export function nextEvent(socket: WebSocket, match: string | ((event: ServerEvent) => boolean),
  timeoutMs = DEFAULT_WAIT_MS): Promise<ServerEvent> {
  const { pending } = recordingOf(socket);
  const predicate = typeof match === 'string' ? (event: ServerEvent) => event.type === match : match;
  return waitFor(socket, () => {
    const index = pending.findIndex(predicate);
    return index === -1 ? undefined : pending.splice(index, 1)[0];
  }, timeoutMs, () => `matching event (pending: ${JSON.stringify(pending)})`);
}

/** The events received and not taken by `nextEvent`. */
export function pendingEvents(socket: WebSocket): readonly ServerEvent[] {
  return recordingOf(socket).pending;
}

/** The close code and reason the socket ends with, waiting at most `timeoutMs`. */
export function closed(socket: WebSocket, timeoutMs = DEFAULT_WAIT_MS): Promise<Closed> {
  const recording = recordingOf(socket);
  return waitFor(socket, () => recording.closedWith, timeoutMs, () => 'close');
}

/** Sends a client frame (an object is sent as JSON). */
export function sendFrame(socket: WebSocket, frame: object | string): void {
  socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
}
