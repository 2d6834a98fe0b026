import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'sessionid';
export const CSRF_COOKIE = 'csrftoken';
const CSRF_COOKIE_MAX_AGE_SECONDS = 31449600; // Django's CSRF_COOKIE_AGE: one year

export interface CookiePolicy {
  readonly secureCookies: boolean;
}

function secure(req: FastifyRequest, policy: CookiePolicy): boolean {
  return policy.secureCookies || req.protocol === 'https';
}

/** `sessionid` (HttpOnly) and `csrftoken` (readable by scripts, as Axios and Django expect). */
export function setLoginCookies(req: FastifyRequest, reply: FastifyReply, policy: CookiePolicy,
  login: { sessionKey: string; csrfSecret: string; expiresAt: number }): void {
  const common = { path: '/', sameSite: 'lax', secure: secure(req, policy) } as const;
  reply.setCookie(SESSION_COOKIE, login.sessionKey, {
    ...common, httpOnly: true, maxAge: Math.max(0, Math.floor((login.expiresAt - Date.now()) / 1000)),
  });
  reply.setCookie(CSRF_COOKIE, login.csrfSecret, { ...common, httpOnly: false, maxAge: CSRF_COOKIE_MAX_AGE_SECONDS });
}

export function clearLoginCookies(req: FastifyRequest, reply: FastifyReply, policy: CookiePolicy): void {
  const common = { path: '/', sameSite: 'lax', secure: secure(req, policy) } as const;
  reply.clearCookie(SESSION_COOKIE, { ...common, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, common);
}
