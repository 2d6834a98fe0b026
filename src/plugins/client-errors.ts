import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import { SECURITY_HEADERS } from './security-headers.js';

/** What Node's HTTP parser refuses before any request exists, in our words. */
const ANSWERS: Readonly<Record<string, { status: string; detail: string }>> = {
  ERR_HTTP_REQUEST_TIMEOUT: { status: '408 Request Timeout', detail: 'The request took too long to arrive.' },
  HPE_HEADER_OVERFLOW: { status: '431 Request Header Fields Too Large', detail: 'The request headers are too large.' },
};
const MALFORMED = { status: '400 Bad Request', detail: 'Malformed HTTP request.' };

const SECURITY_HEADER_LINES = Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('');

/**
 * Fastify's `clientErrorHandler`: a request Node's parser cannot read (a raw non-ASCII byte in the
 * target, a `Content-Length` that is not a number, headers over the size limit) is answered as every
 * other error is, `{"detail": ...}` with the security headers, where Fastify's default answered in its
 * own shape without them. The connection is closed after: the parser cannot find where the next
 * request would start.
 */
export function answerClientError(this: { log: FastifyBaseLogger }, error: Error & { code?: string }, socket: Socket): void {
  // A connection the client reset has nothing left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, detail } = (error.code !== undefined && ANSWERS[error.code]) || MALFORMED;
  this.log.debug({ err: error }, 'malformed request refused');
  // A pipelined request that fails while an answer to an earlier one is being written gets none: its
  // bytes would land inside that answer. Node's own handler makes the same check.
  const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !answering?.headersSent) {
    const body = JSON.stringify({ detail });
    socket.write(`HTTP/1.1 ${status}\r\n${SECURITY_HEADER_LINES}content-type: application/json; charset=utf-8\r\n`
      + `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
