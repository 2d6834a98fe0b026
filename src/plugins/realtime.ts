import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { ApiError, invalidToken, originNotTrusted } from '../errors.js';
import { SESSION_COOKIE } from '../http/cookies.js';
import type { AuthService } from '../modules/auth/auth.service.js';
import type { TypingService } from '../modules/conversations/typing.service.js';
import { TokenBucket } from '../realtime/token-bucket.js';
import type { TokensService } from '../modules/tokens/tokens.service.js';
import type { User } from '../modules/users/user.js';
import { CLOSE_GOING_AWAY, CLOSE_SESSION_ENDED, type Connection, type Hub } from '../realtime/hub.js';
import { isSameOrTrustedOrigin } from './origin.js';

/** The subprotocol the server speaks; a client may also offer `token.<API token>` to authenticate. */
export const WS_PROTOCOL = 'messaging.v1';
const TOKEN_PROTOCOL_PREFIX = 'token.';
/** The first frame of every socket, once events reach it. */
const READY_EVENT = JSON.stringify({ type: 'ready' });
/** Inbound frames are small commands (typing); anything larger is refused by ws with 1009. */
export const WS_MAX_INBOUND_BYTES = 4096;
/** How long shutdown waits for clients to answer the close frame before dropping their connection. */
const SHUTDOWN_GRACE_MS = 1000;
/** A handshake that passed the per-user limit together with others. */
const CLOSE_POLICY_VIOLATION = 1008;

/**
 * What one socket may send: frames in a burst of 20 and then 5 a second (a typing client sends one every
 * few seconds), and bad frames (over that budget, or not a well-formed command) in a burst of 10 and then
 * one every 10 seconds; the socket that sends one more is closed with 1008.
 */
interface FrameBudget {
  readonly frames: TokenBucket;
  readonly badFrames: TokenBucket;
}
const newFrameBudget = (): FrameBudget => ({ frames: new TokenBucket(20, 5), badFrames: new TokenBucket(10, 0.1) });
/** Longest a timer may be set for in Node; a session ending later is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RealtimeOptions {
  hub: Hub;
  auth: AuthService;
  tokens: TokensService;
  typing: TypingService;
  /** Counts a handshake of the user, throwing the 429 past the limit (see handshakeCounter); null for none. */
  countHandshake: ((userId: number) => Promise<void>) | null;
  trustedOrigins: readonly string[];
  heartbeatMs: number;
  maxSocketsPerUser: number;
}

interface Handshake {
  user: User;
  credentialHash: string;
  expiresAt: number | null;
  /** Asks again whether the credential is live, for a logout that raced the handshake. */
  stillValid(): Promise<boolean>;
}

const credentialsMissing = () => new ApiError(401, { detail: 'Authentication credentials were not provided.' });
const protocolMissing = () => new ApiError(400, { detail: `Offer the subprotocol ${WS_PROTOCOL}, which this endpoint speaks.` });

function offeredProtocols(req: FastifyRequest): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return header === undefined ? [] : String(header).split(',').map((protocol) => protocol.trim()).filter(Boolean);
}
const tooManySockets = (max: number) => `Too many open sockets: at most ${max} per user`;

/**
 * `GET /ws/`: the real-time channel. The handshake is an ordinary request until it is accepted, so a
 * refusal is an HTTP answer (401, 403), never an open socket. Browsers authenticate with the session
 * cookie; other clients offer their API token as the subprotocol `token.<key>` (never in the URL,
 * which ends up in logs).
 */
export async function registerRealtime(app: FastifyInstance, opts: RealtimeOptions): Promise<void> {
  const trusted = new Set(opts.trustedOrigins);
  const handshakes = new WeakMap<FastifyRequest, Handshake>();

  // Before the websocket plugin's own preClose, so that clients see 1001 rather than a bare close. A
  // client that does not answer would hold the server open for ws's 30 s close timeout: it is dropped.
  app.addHook('preClose', async () => {
    opts.hub.closeAll(CLOSE_GOING_AWAY, 'Server shutting down');
    const open = [...app.websocketServer.clients];
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(open.map((socket) => new Promise((resolve) => {
        if (socket.readyState === socket.CLOSED) resolve(undefined);
        else socket.once('close', resolve);
      }))),
      new Promise((resolve) => { grace = setTimeout(resolve, SHUTDOWN_GRACE_MS); }),
    ]);
    clearTimeout(grace);
    for (const socket of open) socket.terminate();
  });
  await app.register(websocket, {
    errorHandler: socketFailed,
    options: {
      maxPayload: WS_MAX_INBOUND_BYTES,
      handleProtocols: (protocols: Set<string>) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    },
  });

  const alive = new WeakSet<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of app.websocketServer.clients) {
      if (!alive.has(socket)) {
        socket.terminate();
        continue;
      }
      alive.delete(socket);
      socket.ping();
    }
  }, opts.heartbeatMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));

  async function authenticateHandshake(req: FastifyRequest): Promise<void> {
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrTrustedOrigin(origin, req, trusted)) throw originNotTrusted(origin);
    // A client that offers subprotocols must be given one of them, or it fails the connection itself, with
    // nothing to tell it why (RFC 6455, 4.1): one that offers some, but not ours, is told so here instead.
    const offered = offeredProtocols(req);
    if (offered.length > 0 && !offered.includes(WS_PROTOCOL)) throw protocolMissing();
    const handshake = await credentialOf(req, offered);
    await opts.countHandshake?.(handshake.user.id);
    if (atSocketLimit(handshake.user.id)) throw new ApiError(429, { detail: `${tooManySockets(opts.maxSocketsPerUser)}.` });
    handshakes.set(req, handshake);
  }

  /** Who the handshake is from: an API token offered as a subprotocol, else the session cookie. */
  async function credentialOf(req: FastifyRequest, offered: readonly string[]): Promise<Handshake> {
    const tokenProtocol = offered.find((protocol) => protocol.startsWith(TOKEN_PROTOCOL_PREFIX));
    if (tokenProtocol !== undefined) {
      const key = tokenProtocol.slice(TOKEN_PROTOCOL_PREFIX.length);
      const token = await opts.tokens.authenticate(key);
      if (!token) throw invalidToken();
      return {
        user: token.user, credentialHash: token.idHash, expiresAt: null,
        stillValid: async () => (await opts.tokens.authenticate(key)) !== null,
      };
    }
    const sessionKey = req.cookies[SESSION_COOKIE];
    const session = sessionKey ? await opts.auth.authenticate(sessionKey) : null;
    if (!session) throw credentialsMissing();
    return {
      user: session.user, credentialHash: session.idHash, expiresAt: session.expiresAt,
      stillValid: async () => (await opts.auth.authenticate(sessionKey!)) !== null,
    };
  }

  const atSocketLimit = (userId: number) => opts.hub.socketsOf(userId) >= opts.maxSocketsPerUser;

  app.route({
    method: 'GET',
    url: '/ws/',
    schema: { hide: true },
    onRequest: authenticateHandshake,
    // A plain request (no Upgrade), once authenticated: told what the endpoint speaks.
    handler: async (_req, reply) => reply.code(426).header('upgrade', 'websocket')
      .send({ detail: 'This endpoint speaks WebSocket only: send an Upgrade: websocket request.' }),
    wsHandler: openSocket,
  });

  function openSocket(socket: WebSocket, req: FastifyRequest): void {
    const handshake = handshakes.get(req)!;
    // Handshakes that were checked at once may together pass the limit: the last ones are closed here.
    if (atSocketLimit(handshake.user.id)) return socket.close(CLOSE_POLICY_VIOLATION, tooManySockets(opts.maxSocketsPerUser));
    const connection: Connection = { socket, userId: handshake.user.id, credentialHash: handshake.credentialHash };
    // Tells the client that live events now reach it, so that a catch-up it makes from here on misses
    // nothing; a logout or revocation that landed before this instance could hear of it is caught by
    // asking again then.
    opts.hub.add(connection, READY_EVENT, handshake.stillValid);
    alive.add(socket);
    socket.on('pong', () => alive.add(socket));
    const endSession = () => socket.close(CLOSE_SESSION_ENDED, 'Session ended');

    let expiry: NodeJS.Timeout | undefined;
    const expiresAt = handshake.expiresAt;
    if (expiresAt !== null) {
      const armExpiry = () => {
        const remaining = expiresAt - Date.now();
        expiry = remaining > MAX_TIMER_MS ? setTimeout(armExpiry, MAX_TIMER_MS) : setTimeout(endSession, Math.max(0, remaining));
      };
      armExpiry();
    }
    socket.on('close', () => {
      clearTimeout(expiry);
      opts.hub.remove(connection);
    });

    const budget = newFrameBudget();
    socket.on('message', (data: RawData, isBinary: boolean) => {
      void handleFrame(handshake.user, socket, budget, data, isBinary).catch((error: unknown) => {
        req.log.error({ err: error }, 'websocket frame failed');
        sendError(socket, 'The server could not handle this frame.');
      });
    });
  }

  /** A refused frame's answer; like any event, it closes a socket that has stopped reading (4008). */
  function sendError(socket: WebSocket, detail: string): void {
    opts.hub.sendTo(socket, JSON.stringify({ type: 'error', detail }));
  }

  /**
   * Reads a client's frame. Frames past the socket's budget and frames that are not a well-formed command
   * are bad: each is answered with an error frame, and a socket that keeps sending them is closed (1008).
   */
  async function handleFrame(sender: User, socket: WebSocket, budget: FrameBudget, data: RawData, isBinary: boolean) {
    const refuse = (detail: string) => {
      if (!budget.badFrames.take()) return socket.close(CLOSE_POLICY_VIOLATION, 'Too many bad frames');
      sendError(socket, detail);
    };
    if (!budget.frames.take()) return refuse('Too many frames; slow down.');
    if (isBinary) return refuse('Frames are JSON text.');
    let frame: unknown;
    try {
      frame = JSON.parse(data.toString());
    } catch {
      return refuse('Frames are JSON text.');
    }
    const { type, to } = (frame ?? {}) as { type?: unknown; to?: unknown };
    if (type !== 'typing') return refuse('Unknown frame type; the only one is "typing".');
    if (typeof to !== 'string' || to.length === 0 || to.length > 254) return refuse('"to" must be a username or email.');
    const refusal = await opts.typing.typing(sender, to);
    if (refusal !== null) sendError(socket, refusal);
  }
}

/**
 * A socket's error event. What the client did (a reset connection, an oversized or malformed frame,
 * which ws has already answered with its close code) is logged at info: it is theirs, not ours to fix.
 */
function socketFailed(error: Error, socket: WebSocket, req: FastifyRequest): void {
  if (isClientFault(error)) req.log.info({ err: error }, 'websocket closed by a client error');
  else req.log.error({ err: error }, 'websocket failed');
  socket.terminate();
}

const CLIENT_NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED']);

function isClientFault(error: Error): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code !== undefined && (code.startsWith('WS_ERR_') || CLIENT_NETWORK_ERRORS.has(code));
}


