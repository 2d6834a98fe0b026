import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { SESSION_COOKIE } from '../http/cookies.js';
import { csrfIncorrect, csrfMissing, notAuthenticated, originNotTrusted } from '../errors.js';
import type { AuthService } from '../modules/auth/auth.service.js';
import { csrfTokenMatches } from '../modules/auth/csrf-token.js';
import type { ActiveSession } from '../modules/auth/sessions.repository.js';
import type { User } from '../modules/users/user.js';

const CSRF_HEADER = 'x-csrftoken';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in user, once `requireUser` or `identifyUser` has run. */
    user: User | null;
    session: ActiveSession | null;
  }
  interface FastifyInstance {
    /** preHandler: 403 unless logged in; unsafe methods must also carry the session's CSRF token. */
    requireUser(req: FastifyRequest): Promise<void>;
    /** preHandler: like requireUser, but lets anonymous requests through. */
    identifyUser(req: FastifyRequest): Promise<void>;
  }
}

/**
 * Session authentication with Django's CSRF rules: a session is found from the `sessionid` cookie,
 * and every unsafe request made with it must carry the session's token in `X-CSRFToken`. Unsafe
 * requests from a foreign `Origin`, or made with a session but without its token, are refused before
 * anything else runs: on every route, and before the body is read.
 */
export const authPlugin = fp(async (app: FastifyInstance, opts: { auth: AuthService; config: Config }) => {
  const trustedOrigins = new Set(opts.config.trustedOrigins);
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);

  app.addHook('onRequest', async (req) => {
    if (SAFE_METHODS.has(req.method)) return;
    const origin = req.headers.origin;
    if (origin !== undefined && !isSameOrTrustedOrigin(origin, req, trustedOrigins)) {
      throw originNotTrusted(origin);
    }
    // Here for every route, as Django's middleware does, rather than in each route's preHandler: so a
    // forged request is refused before its body is validated, and login cannot replace the session
    // it rode in on without that session's token.
    await identifyUser(req);
  });

  async function identifyUser(req: FastifyRequest): Promise<void> {
    if (req.session) return; // identified already, by the hook above
    const key = req.cookies[SESSION_COOKIE];
    if (!key) return;
    const session = await opts.auth.authenticate(key);
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
}, { name: 'auth', dependencies: ['@fastify/cookie'] });

function checkCsrf(req: FastifyRequest, session: ActiveSession): void {
  const token = req.headers[CSRF_HEADER];
  if (typeof token !== 'string' || token === '') throw csrfMissing();
  if (!csrfTokenMatches(token, session.csrfSecret)) throw csrfIncorrect();
}

function isSameOrTrustedOrigin(origin: string, req: FastifyRequest, trusted: ReadonlySet<string>): boolean {
  if (trusted.has(origin)) return true;
  const host = req.headers.host;
  try {
    // Both sides through URL, so that a default port written out ("Host: localhost:80") equals none.
    return host !== undefined && new URL(origin).host === new URL(`${req.protocol}://${host}`).host;
  } catch {
    return false;
  }
}
