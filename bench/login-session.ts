/** Logging a filled user in over HTTP, for the headers that make later requests theirs. */
import { passwordOf } from './fill-plan.js';

export interface LoginSession {
  readonly username: string;
  /** `Cookie` header value: `sessionid=...; csrftoken=...` */
  readonly cookie: string;
  /** The masked token of the login answer, for `X-CSRFToken`. */
  readonly csrfToken: string;
}

export function loginBody(username: string): string {
  return JSON.stringify({ username, password: passwordOf(username) });
}

export async function logIn(port: number, username: string): Promise<LoginSession> {
  const response = await fetch(`http://127.0.0.1:${port}/login/`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: loginBody(username),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`login of ${username} answered ${response.status}: ${text.slice(0, 300)}`);
  const cookie = response.headers.getSetCookie().map((header) => header.split(';')[0]).join('; ');
  return { username, cookie, csrfToken: (JSON.parse(text) as { csrf_token: string }).csrf_token };
}

/** Headers of a request made with this session; unsafe methods carry the CSRF token. */
export function sessionHeaders(session: LoginSession, unsafe = false): Record<string, string> {
  return {
    Cookie: session.cookie,
    ...(unsafe ? { 'X-CSRFToken': session.csrfToken, 'Content-Type': 'application/json' } : {}),
  };
}
