import type { RawData, WebSocket } from 'ws';
import { CLOSE_POLICY_VIOLATION } from './protocol.js';
import { TokenBucket } from './token-bucket.js';

/** Handles a typing frame: answers why it was refused (sent back as an error frame), or null. */
export type TypingHandler<U> = (sender: U, to: string) => Promise<string | null>;

/**
 * What one socket may send: frames in a burst of 20 and then 5 a second (a typing client sends one every
 * few seconds), and bad frames (over that budget, or not a well-formed command) in a burst of 10 and then
 * one every 10 seconds; the socket that sends one more is closed with 1008.
 */
class FrameBudget {
  readonly frames = new TokenBucket(20, 5);
  readonly badFrames = new TokenBucket(10, 0.1);
}

/**
 * Reads the frames a client sends on `socket`. The only command is `{"type": "typing", "to": <username
 * or email>}`; every refusal is answered with an error frame through `sendError`.
 */
export function readFrames<U>(socket: WebSocket, sender: U, handlers: {
  typing: TypingHandler<U>;
  sendError(detail: string): void;
  onFailure(error: unknown): void;
}): void {
  const budget = new FrameBudget();
  const refuse = (detail: string) => {
    if (!budget.badFrames.take()) return socket.close(CLOSE_POLICY_VIOLATION, 'Too many bad frames');
    handlers.sendError(detail);
  };
  const handle = async (data: RawData, isBinary: boolean) => {
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
    const refusal = await handlers.typing(sender, to);
    if (refusal !== null) handlers.sendError(refusal);
  };
  socket.on('message', (data: RawData, isBinary: boolean) => {
    void handle(data, isBinary).catch((error: unknown) => {
      handlers.onFailure(error);
      handlers.sendError('The server could not handle this frame.');
    });
  });
}
