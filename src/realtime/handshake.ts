import type { FastifyRequest } from 'fastify';
import { ApiError, originNotTrusted } from '../errors.js';
import { isSameOrTrustedOrigin } from '../http/origin.js';
import { offeredProtocols, WS_PROTOCOL } from './protocol.js';

/** Whoever a socket belongs to; the modules decide what else a user carries. */
export interface SocketUser {
  readonly id: number;
}

/** Who opened a socket, with what, and until when. */
export interface SocketCredential<U extends SocketUser> {
  readonly user: U;
  /** The hash of the session or token, by which its end closes the socket. */
  readonly credentialHash: string;
  /** When the credential expires (epoch milliseconds), or null for never. */
  readonly expiresAt: number | null;
  /** Asks again whether the credential is live, for a logout that raced the handshake. */
  stillValid(): Promise<boolean>;
}

export interface HandshakeOptions<U extends SocketUser> {
  /** The credential of a handshake; throws the 401 to answer when there is none. */
  authenticate(req: FastifyRequest): Promise<SocketCredential<U>>;
  /** Counts a handshake of the user, throwing the 429 past the limit; null for none. */
  countHandshake: ((userId: number) => Promise<void>) | null;
  trustedOrigins: readonly string[];
  maxSocketsPerUser: number;
  /** Sockets the user has open on this instance. */
  socketsOf(userId: number): number;
}

const protocolMissing = () => new ApiError(400, { detail: `Offer the subprotocol ${WS_PROTOCOL}, which this endpoint speaks.` });
export const tooManySockets = (max: number) => `Too many open sockets: at most ${max} per user`;

/**
 * The checks of a handshake, which is an ordinary request until it is accepted: a refusal is an HTTP
 * answer (400, 401, 403, 429), never an open socket. `check` is the route's onRequest hook; the socket's
 * handler then takes the credential it found with `credentialOf`.
 */
export function createHandshake<U extends SocketUser>(opts: HandshakeOptions<U>) {
  const trusted = new Set(opts.trustedOrigins);
  const credentials = new WeakMap<FastifyRequest, SocketCredential<U>>();
  const atSocketLimit = (userId: number) => opts.socketsOf(userId) >= opts.maxSocketsPerUser;
  return {
    atSocketLimit,
    async check(req: FastifyRequest): Promise<void> {
      const origin = req.headers.origin;
      if (origin !== undefined && !isSameOrTrustedOrigin(origin, req, trusted)) throw originNotTrusted(origin);
      // A client that offers subprotocols must be given one of them, or it fails the connection itself, with
      // nothing to tell it why (RFC 6455, 4.1): one that offers some, but not ours, is told so here instead.
      const offered = offeredProtocols(req);
      if (offered.length > 0 && !offered.includes(WS_PROTOCOL)) throw protocolMissing();
      const credential = await opts.authenticate(req);
      await opts.countHandshake?.(credential.user.id);
      if (atSocketLimit(credential.user.id)) throw new ApiError(429, { detail: `${tooManySockets(opts.maxSocketsPerUser)}.` });
      credentials.set(req, credential);
    },
    credentialOf(req: FastifyRequest): SocketCredential<U> {
      return credentials.get(req)!;
    },
  };
}
