import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import { readFrames, type TypingHandler } from '../realtime/frames.js';
import { createHandshake, type SocketCredential, type SocketUser, tooManySockets } from '../realtime/handshake.js';
import { closeSocketsAtShutdown, startHeartbeat } from '../realtime/heartbeat.js';
import type { Connection, Hub } from '../realtime/hub.js';
import { CLOSE_POLICY_VIOLATION, READY_EVENT, WS_MAX_INBOUND_BYTES, WS_PROTOCOL } from '../realtime/protocol.js';
import { closeAtExpiry } from '../realtime/session-expiry.js';

export { WS_PROTOCOL } from '../realtime/protocol.js';

export interface RealtimeOptions<U extends SocketUser> {
  hub: Hub;
  /** Who a handshake is from (a session cookie, or an API token offered as a subprotocol); throws the 401. */
  authenticate(req: FastifyRequest): Promise<SocketCredential<U>>;
  /** What a typing frame does. */
  typing: TypingHandler<U>;
  /** Counts a handshake of the user, throwing the 429 past the limit; null for none. */
  countHandshake: ((userId: number) => Promise<void>) | null;
  trustedOrigins: readonly string[];
  heartbeatMs: number;
  maxSocketsPerUser: number;
}

/**
 * `GET /ws/`: the real-time channel. Browsers authenticate with the session cookie; other clients offer
 * their API token as the subprotocol `token.<key>`.
 */
export async function installRealtime<U extends SocketUser>(app: FastifyInstance, opts: RealtimeOptions<U>): Promise<void> {
  closeSocketsAtShutdown(app, opts.hub);
  await app.register(websocket, {
    errorHandler: socketFailed,
    options: {
      maxPayload: WS_MAX_INBOUND_BYTES,
      handleProtocols: (protocols: Set<string>) => (protocols.has(WS_PROTOCOL) ? WS_PROTOCOL : false),
    },
  });
  const markAlive = startHeartbeat(app, opts.heartbeatMs);
  const handshake = createHandshake({
    authenticate: opts.authenticate, countHandshake: opts.countHandshake, trustedOrigins: opts.trustedOrigins,
    maxSocketsPerUser: opts.maxSocketsPerUser, socketsOf: opts.hub.socketsOf,
  });

  app.route({
    method: 'GET',
    url: '/ws/',
    schema: { hide: true },
    onRequest: handshake.check,
    // A plain request (no Upgrade), once authenticated: told what the endpoint speaks.
    handler: async (_req, reply) => reply.code(426).header('upgrade', 'websocket')
      .send({ detail: 'This endpoint speaks WebSocket only: send an Upgrade: websocket request.' }),
    wsHandler: openSocket,
  });

  function openSocket(socket: WebSocket, req: FastifyRequest): void {
    const credential = handshake.credentialOf(req);
    // Handshakes that were checked at once may together pass the limit: the last ones are closed here.
    if (handshake.atSocketLimit(credential.user.id)) return socket.close(CLOSE_POLICY_VIOLATION, tooManySockets(opts.maxSocketsPerUser));
    const connection: Connection = { socket, userId: credential.user.id, credentialHash: credential.credentialHash };
    // Tells the client that live events now reach it, so that a catch-up it makes from here on misses
    // nothing; a logout or revocation that landed before this instance could hear of it is caught by
    // asking again then.
    opts.hub.add(connection, READY_EVENT, credential.stillValid);
    markAlive(socket);
    socket.on('pong', () => markAlive(socket));
    closeAtExpiry(socket, credential.expiresAt);
    socket.on('close', () => opts.hub.remove(connection));
    readFrames(socket, credential.user, {
      typing: opts.typing,
      // Like any event, an error frame closes a socket that has stopped reading (4008).
      sendError: (detail) => opts.hub.sendTo(socket, JSON.stringify({ type: 'error', detail })),
      onFailure: (error) => req.log.error({ err: error }, 'websocket frame failed'),
    });
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
