import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { SESSION_COOKIE } from '../http/cookies.js';
import { csrfIncorrect, csrfMissing, invalidToken, notAuthenticated, originNotTrusted } from '../errors.js';
import type { AuthService } from '../modules/auth/auth.service.js';
import { csrfTokenMatches } from '../modules/auth/csrf-token.js';
import type { ActiveSession } from '../modules/auth/sessions.repository.js';
import type { ActiveToken, TokensService } from '../modules/tokens/tokens.service.js';
import type { User } from '../modules/users/user.js';
import { isSameOrTrustedOrigin } from '../http/origin.js';

const CSRF_HEADER = 'x-csrftoken';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);
/** `Authorization` schemes that carry an API token: DRF's `Token`, and the standard `Bearer`. */
const TOKEN_SCHEMES = new Set(['token', 'bearer']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated user, once `requireUser` or `identifyUser` has run. */
    user: User | null;
    /** The session the user was authenticated by, if by a session. */
    session: ActiveSession | null;
    /** The API token the user was authenticated by, if by a token. */
    apiToken: ActiveToken | null;
  }
  interface FastifyInstance {
    /**
     * preHandler: 403 unless authenticated; unsafe methods made with a session must also carry its
     * CSRF token; 401 for a bad API token.
     */
    requireUser(req: FastifyRequest): Promise<void>;
    /** preHandler: like requireUser, but lets anonymous requests through. */
    identifyUser(req: FastifyRequest): Promise<void>;
  }
}

/**
 * Authentication by API token (`Authorization: Token <key>` or `Bearer <key>`) or else by session,
 * with Django's CSRF rules for sessions: a session is found from the `sessionid` cookie, and every
 * unsafe request made with it must carry the session's token in `X-CSRFToken`. Unsafe requests from a
 * foreign `Origin`, or made with a session but without its token, are refused before anything else
 * runs: on every route, and before the body is read.
 *
 * A browser never adds an `Authorization` header by itself, so a request carrying a token cannot be
 * forged by another site: as in DRF, the token alone decides, no CSRF token is needed, and a session
 * cookie sent along is not consulted. A bad token is refused with 401, never passed over for the
 * session. The Origin check still applies to every unsafe request, as the API promises.
 */
export function installAuth(app: FastifyInstance, opts: { auth: AuthService; tokens: TokensService; config: Config }): void {
  const trustedOrigins = new Set(opts.config.trustedOrigins);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.decorateRequest('apiToken', null);

  // Callback style, so that the safe requests, most of them, pass without a promise.
  app.addHook('onRequest', (req, _reply, done) => {
    if (SAFE_METHODS.has(req.method)) return done();
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrTrustedOrigin(origin, req, trustedOrigins)) {
      return done(originNotTrusted(origin));
    }
    // Here for every route, as Django's middleware does, rather than in each route's preHandler: so a
    // forged request is refused before its body is validated, and login cannot replace the session
    // it rode in on without that session's token.
    identifyUser(req).then(() => done(), done);
  });

  async function identifyUser(req: FastifyRequest): Promise<void> {
    if (req.user) return; // identified already, by the hook above
    const key = tokenKey(req);
    if (key !== undefined) {
      const token = key === null ? null : await opts.tokens.authenticate(key);
      if (!token) throw invalidToken();
      req.apiToken = token;
      req.user = token.user;
      return;
    }
    const sessionKey = req.cookies[SESSION_COOKIE];
    if (!sessionKey) return;
    const session = await opts.auth.authenticate(sessionKey);
    if (!session) return;
    if (!SAFE_METHODS.has(req.method)) checkCsrf(req, session);
    req.session = session;
    req.user = session.user;
  }

  app.decorate('identifyUser', identifyUser);
  app.decorate('requireUser', async (req: FastifyRequest) => {
    await identifyUser(req);
    if (!req.user) throw notAuthenticated();
  });
}

/**
 * The key of an `Authorization: Token <key>` (or `Bearer <key>`) header, the scheme in any case.
 * Undefined when there is no such header, or it names another scheme (left alone, as DRF does);
 * null when it is malformed: no key, or a key with spaces.
 */
function tokenKey(req: FastifyRequest): string | null | undefined {
  const header = req.headers.authorization;
  if (header === undefined) return undefined;
  const parts = header.trim().split(/\s+/);
  if (!TOKEN_SCHEMES.has(parts[0].toLowerCase())) return undefined;
  return parts.length === 2 ? parts[1] : null;
}

function checkCsrf(req: FastifyRequest, session: ActiveSession): void {
  const token = req.headers[CSRF_HEADER];
  if (typeof token !== 'string' || token === '') throw csrfMissing();
  if (!csrfTokenMatches(token, session.csrfSecret)) throw csrfIncorrect();
}
