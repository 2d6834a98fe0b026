import type { FastifyRequest } from 'fastify';
import { ApiError, invalidToken } from '../../errors.js';
import { SESSION_COOKIE } from '../../http/cookies.js';
import type { SocketCredential } from '../../realtime/handshake.js';
import { offeredToken } from '../../realtime/protocol.js';
import type { TokensService } from '../tokens/tokens.service.js';
import type { User } from '../users/user.js';
import type { AuthService } from './auth.service.js';

const credentialsMissing = () => new ApiError(401, { detail: 'Authentication credentials were not provided.' });

/**
 * Who a WebSocket handshake is from: an API token offered as the subprotocol `token.<key>`, else the
 * session cookie. Throws the 401 to answer when neither is live.
 */
export function socketCredentials(auth: AuthService, tokens: TokensService) {
  return async (req: FastifyRequest): Promise<SocketCredential<User>> => {
    const key = offeredToken(req);
    if (key !== undefined) {
      const token = await tokens.authenticate(key);
      if (!token) throw invalidToken();
      return {
        user: token.user, credentialHash: token.idHash, expiresAt: null,
        stillValid: async () => (await tokens.authenticate(key)) !== null,
      };
    }
    const sessionKey = req.cookies[SESSION_COOKIE];
    const session = sessionKey ? await auth.authenticate(sessionKey) : null;
    if (!session) throw credentialsMissing();
    return {
      user: session.user, credentialHash: session.idHash, expiresAt: session.expiresAt,
      stillValid: async () => (await auth.authenticate(sessionKey!)) !== null,
    };
  };
}
