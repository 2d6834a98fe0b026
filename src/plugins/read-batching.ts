import type { FastifyInstance, FastifyReply } from 'fastify';

const READS = new Set(['GET', 'HEAD']);

/**
 * Answers to reads are written together at the end of the event loop's turn (its check phase, once
 * every request that arrived in the turn has run), rather than each one the moment it is ready, as
 * Redis writes its replies before it next waits for input. Each write to a client that is waiting
 * for it wakes the client up, and on a virtual machine that wake-up is most of a write's cost, which
 * writing together pays once a turn (see docs/performance-history.md). An answer waits at most for the
 * rest of its turn. Sends are answered when their group commit lands, all at once already, so other
 * methods are written at once; so are streams (the documentation's files), which must not wait
 * without a listener for their errors.
 *
 * Installed before the other onSend hooks, so that they run when the answer is written. Until then
 * `reply.sent` is false: a handler or hook that sends must return the reply, as ours do.
 */
export function installReadBatching(app: FastifyInstance): void {
  let waiting: { reply: FastifyReply; write: () => void }[] = [];

  const writeAll = () => {
    const batch = waiting;
    waiting = [];
    for (const { reply, write } of batch) {
      try {
        write();
      } catch (error) {
        // Fastify's own hook runner would have answered 500; here the answer is half made, so the
        // connection is closed rather than left waiting, and the rest of the batch still goes.
        app.log.error({ err: error }, 'writing a batched answer failed');
        if (!reply.raw.writableEnded) reply.raw.destroy(error as Error);
      }
    }
  };

  // Callback style: every request runs it.
  app.addHook('onSend', (req, reply, payload, done) => {
    const buffered = payload === undefined || payload === null || typeof payload === 'string' || Buffer.isBuffer(payload);
    if (!READS.has(req.method) || !buffered) return done(null, payload);
    if (waiting.length === 0) setImmediate(writeAll);
    waiting.push({ reply, write: () => done(null, payload) });
  });
}
