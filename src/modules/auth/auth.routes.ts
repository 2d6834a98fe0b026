import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { clearLoginCookies, type CookiePolicy, SESSION_COOKIE, setLoginCookies } from '../../http/cookies.js';
import { detailAnswer, fieldErrorsAnswer, HashingBusy, OPTIONAL_SESSION } from '../../http/common.schemas.js';
import { crossSiteLogout } from '../../errors.js';
import { isCrossSite } from '../../http/origin.js';
import { UserSchema } from '../users/users.schemas.js';
import type { AuthService } from './auth.service.js';
import { LoginBody, LoginResponse, RegisterBody } from './auth.schemas.js';
import { maskCsrfSecret } from './csrf-token.js';

const LoggedOut = Type.Object({ detail: Type.String() }, { examples: [{ detail: 'Logged out.' }] });

/**
 * DRF's CharField trims surrounding white space before validating: " alice@example.com " is an address,
 * " alice " a name. The password is taken as sent, as Django's forms take it.
 */
function trimNameAndEmail(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  const body = req.body as Record<string, unknown> | null;
  if (body !== null && typeof body === 'object') {
    for (const field of ['username', 'email']) {
      if (typeof body[field] === 'string') body[field] = body[field].trim();
    }
  }
  done();
}

export const authRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; cookies: CookiePolicy; trustedOrigins: readonly string[] }> = async (app, opts) => {
  const trustedOrigins = new Set(opts.trustedOrigins);

  app.post('/register/', {
    schema: {
      tags: ['auth'],
      summary: 'Create an account',
      // No credentials needed; made over a live session, that session's CSRF token is.
      security: OPTIONAL_SESSION,
      body: RegisterBody,
      response: {
        201: UserSchema,
        400: fieldErrorsAnswer('Each invalid field with its messages.',
          { username: ['A user with that username already exists.'], password: ['This password is too common.'] },
          { email: ['Enter a valid email address.'] }),
        503: HashingBusy,
      },
    },
    config: { throttle: 'registration' },
    preValidation: trimNameAndEmail,
  }, async (req, reply) => {
    const user = await opts.auth.register(req.body);
    return reply.code(201).send(user);
  });

  app.post('/login/', {
    schema: {
      tags: ['auth'],
      summary: 'Log in with a username or email',
      security: OPTIONAL_SESSION,
      description: 'Opens a new session (cookie `sessionid`) and returns a new CSRF token, also set as the '
        + '`csrftoken` cookie. Send the token as `X-CSRFToken` on every POST, PUT, PATCH and DELETE. '
        + 'Logging in again over a live session replaces it, and needs its token like every unsafe request. A user '
        + 'holds at most 20 sessions: a login past them ends the oldest.',
      body: LoginBody,
      response: {
        200: LoginResponse,
        400: fieldErrorsAnswer('A missing or blank field.', { password: ['This field is required.'] }),
        401: detailAnswer('Unknown user or wrong password: the same answer for both.', 'Invalid username or password.'),
        403: detailAnswer('A foreign Origin, or a live session without its CSRF token.', 'CSRF Failed: CSRF token missing.'),
        503: HashingBusy,
      },
    },
    config: { throttle: 'login' },
  }, async (req, reply) => {
    const login = await opts.auth.login(req.body.username, req.body.password, req.cookies[SESSION_COOKIE]);
    setLoginCookies(req, reply, opts.cookies, login);
    return { detail: 'Logged in.', csrf_token: maskCsrfSecret(login.csrfSecret), user: login.user };
  });

  app.route({
    method: ['GET', 'POST'],
    url: '/logout/',
    // A HEAD is answered 405: it must not log anyone out, and answering it as a GET would say it did.
    exposeHeadRoute: false,
    schema: {
      tags: ['auth'],
      summary: 'Log out',
      security: [...OPTIONAL_SESSION, { apiToken: [] }],
      description: 'Deletes the session on the server and clears the cookies. Succeeds when not logged in. '
        + 'A POST made with a live session needs the CSRF token, like every unsafe request. A request a browser '
        + 'sent from another site (`Sec-Fetch-Site: cross-site`, or an `Origin` or `Referer` of a site neither '
        + 'this one nor trusted) is refused and changes nothing, so that no page can log its visitors out with a '
        + 'link or an image. `HEAD` is not allowed.',
      response: {
        200: LoggedOut,
        401: detailAnswer('An `Authorization` header with an unknown, revoked or malformed token.', 'Invalid token.'),
        403: detailAnswer('A request from another site, or a POST with a live session and no CSRF token.',
          'CSRF Failed: a request from another site may not log out.', 'CSRF Failed: CSRF token missing.'),
      },
    },
    // Before the session is looked at: a cross-site request is refused whoever sent it.
    onRequest: (req, _reply, done) => done(isCrossSite(req, trustedOrigins) ? crossSiteLogout() : undefined),
    preHandler: app.identifyUser,
    handler: async (req, reply) => {
      const key = req.cookies[SESSION_COOKIE];
      if (key) await opts.auth.logout(key);
      clearLoginCookies(req, reply, opts.cookies);
      return { detail: 'Logged out.' };
    },
  });
};
