import { Server } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../errors.js';

export const shuttingDown = () => new ApiError(503, { detail: 'The server is shutting down.' }, { connection: 'close' });

/**
 * How long open connections may still bring requests (to be answered 503) after the server stopped
 * accepting new ones: a request a client wrote just before it heard of the shutdown gets an answer
 * rather than a reset connection.
 */
const LINGER_MS = 500;
const LINGER_POLL_MS = 20;

/**
 * Graceful shutdown, from `app.close()` on. The listening socket closes at once, so no new connection
 * is accepted. For a short while, a request arriving on a connection still open is answered 503 and
 * that connection closed; requests in flight, sends waiting for a group commit included, run to the
 * end, each response closing its connection. Then Fastify closes the connections left idle, waits for
 * the busy ones to end, and only then runs the onClose hooks that close the database and the bus.
 *
 * The app must be built with Fastify's `return503OnClosing: false`, or Fastify answers those requests
 * itself, before any hook, in its own words.
 */
export function installShutdown(app: FastifyInstance): void {
  let closing = false;
  // Callback-style hooks: every request runs them, and a promise each costs more than the check.
  app.addHook('onRequest', (_req, _reply, done) => {
    done(closing ? shuttingDown() : undefined);
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('connection', 'close');
    done(null, payload);
  });
  app.addHook('preClose', async () => {
    closing = true;
    if (!app.server.listening) return;
    // net.Server's close only stops listening; http.Server's would also drop idle keep-alive connections
    // at once, and with them any request already on its way over one.
    Server.prototype.close.call(app.server);
    await lingerWhileConnected(app.server, LINGER_MS);
  });
}

async function lingerWhileConnected(server: Server, maxMs: number): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const open = await new Promise<number>((resolve) => server.getConnections((error, count) => resolve(error ? 0 : count)));
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, LINGER_POLL_MS));
  }
}
