/** The requests the HTTP benchmark makes, as a client of the filled database would make them. */
import type { HttpRequestSpec } from './http-load.js';
import { usernameOf } from './fill-plan.js';
import { type LoginSession, loginBody, sessionHeaders } from './login-session.js';

/** The featured conversation (user1 with user2), a page of 10 as the original API pages it. */
export function historyPage(reader: LoginSession): HttpRequestSpec {
  return { method: 'GET', path: '/list-messages/user2/?page_size=10', headers: sessionHeaders(reader) };
}

export function usersList(reader: LoginSession): HttpRequestSpec {
  return { method: 'GET', path: '/users-list/', headers: sessionHeaders(reader) };
}

export function inbox(reader: LoginSession): HttpRequestSpec {
  return { method: 'GET', path: '/conversations/', headers: sessionHeaders(reader) };
}

/**
 * Sends from each logged-in sender in turn to the next user on the ring (a conversation the fill
 * created), with content that differs every time.
 */
export function sends(senders: readonly LoginSession[], users: number): () => HttpRequestSpec {
  let sent = 0;
  return () => {
    const sender = senders[sent % senders.length];
    const senderId = Number(sender.username.slice('user'.length));
    const recipient = usernameOf((senderId % users) + 1);
    sent += 1;
    return {
      method: 'POST',
      path: '/messages/',
      headers: sessionHeaders(sender, true),
      body: JSON.stringify({ recipient, content: `Benchmark message ${sent}: ${'lorem ipsum '.repeat(sent % 8)}`.trim() }),
    };
  };
}

/** Logins without a session, of users firstUser..users in turn. */
export function logins(firstUser: number, users: number): () => HttpRequestSpec {
  const span = users - firstUser + 1;
  let made = 0;
  return () => {
    const username = usernameOf(firstUser + (made % span));
    made += 1;
    return { method: 'POST', path: '/login/', headers: { 'Content-Type': 'application/json' }, body: loginBody(username) };
  };
}
