import type { WebSocket } from 'ws';
import { CLOSE_SESSION_ENDED } from './hub.js';

/** Longest a timer may be set for in Node; a session ending later is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes the socket with 4001 when its session expires (`expiresAt`, epoch milliseconds; null: never). */
export function closeAtExpiry(socket: WebSocket, expiresAt: number | null): void {
  if (expiresAt === null) return;
  let expiry: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = expiresAt - Date.now();
    expiry = remaining > MAX_TIMER_MS
      ? setTimeout(arm, MAX_TIMER_MS)
      : setTimeout(() => socket.close(CLOSE_SESSION_ENDED, 'Session ended'), Math.max(0, remaining));
  };
  arm();
  socket.on('close', () => clearTimeout(expiry));
}
