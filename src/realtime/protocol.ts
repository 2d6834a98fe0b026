import type { FastifyRequest } from 'fastify';

/** The subprotocol the server speaks; a client may also offer `token.<API token>` to authenticate. */
export const WS_PROTOCOL = 'messaging.v1';
const TOKEN_PROTOCOL_PREFIX = 'token.';
/** Inbound frames are small commands (typing); anything larger is refused by ws with 1009. */
export const WS_MAX_INBOUND_BYTES = 4096;
/** The first frame of every socket, once events reach it. */
export const READY_EVENT = JSON.stringify({ type: 'ready' });
/** Too many sockets, or too many bad frames. */
export const CLOSE_POLICY_VIOLATION = 1008;

/** The subprotocols a handshake offers, in its order. */
export function offeredProtocols(req: FastifyRequest): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return header === undefined ? [] : String(header).split(',').map((protocol) => protocol.trim()).filter(Boolean);
}

/** The API token offered as the subprotocol `token.<key>`, if any: never in the URL, which ends up in logs. */
export function offeredToken(req: FastifyRequest): string | undefined {
  const protocol = offeredProtocols(req).find((offered) => offered.startsWith(TOKEN_PROTOCOL_PREFIX));
  return protocol?.slice(TOKEN_PROTOCOL_PREFIX.length);
}
