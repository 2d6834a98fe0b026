import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import { CLOSE_GOING_AWAY, type Hub } from './hub.js';

/** How long shutdown waits for clients to answer the close frame before dropping their connection. */
const SHUTDOWN_GRACE_MS = 1000;

/**
 * Pings every socket each `intervalMs`; one that has not answered the previous ping is dropped. Answers
 * what marks a socket alive (call it on open and on every pong).
 */
export function startHeartbeat(app: FastifyInstance, intervalMs: number): (socket: WebSocket) => void {
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
  }, intervalMs);
  heartbeat.unref();
  app.addHook('onClose', async () => clearInterval(heartbeat));
  return (socket) => alive.add(socket);
}

/**
 * At shutdown every socket is closed with 1001, before the websocket plugin's own preClose (register
 * this first), so that clients see why rather than a bare close. A client that does not answer would
 * hold the server open for ws's 30 s close timeout: after a grace it is dropped.
 */
export function closeSocketsAtShutdown(app: FastifyInstance, hub: Hub): void {
  app.addHook('preClose', async () => {
    hub.closeAll(CLOSE_GOING_AWAY, 'Server shutting down');
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
}
