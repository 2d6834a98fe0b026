import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { DOCS_CSP } from './security-headers.js';

const DESCRIPTION = `A user-to-user messaging API.

**Authentication.** \`POST /login/\` opens a session: the \`sessionid\` cookie, and a CSRF token that comes both
in the response (\`csrf_token\`) and as the \`csrftoken\` cookie. Every POST, PUT, PATCH and DELETE made with a
session must send that token in the \`X-CSRFToken\` header (the 32-character cookie value or the 64-character
masked form from the response are both accepted). This page does that for you after you log in through it.

**API tokens**, for clients that are not browsers: \`POST /tokens/\` with the same credentials returns a token; send
it as \`Authorization: Token <token>\` (DRF's form) or \`Authorization: Bearer <token>\`, and no CSRF token is needed.
A request with such a header is authenticated by the token alone, even with a session cookie; an unknown, revoked
or malformed token gets 401 \`{"detail": "Invalid token."}\` with \`WWW-Authenticate: Token\`. On this page, paste
the token under "Authorize" (apiToken). \`DELETE /tokens/current/\` revokes it.

**Real time.** \`GET /ws/\` upgrades to a WebSocket (subprotocol \`messaging.v1\`), authenticated by the session
cookie, or for other clients by offering the API token as a second subprotocol \`token.<token>\` (never in the URL).
A foreign \`Origin\` gets 403 and missing or bad credentials 401, as HTTP answers. The server pushes JSON events to
every open socket of both participants, on any instance, after a first \`{"type": "ready"}\` frame that says
events now reach the socket: \`message.created\`, \`message.updated\`,
\`message.deleted\` (\`{"type", "conversation", "message"}\`, the message as the history shows it),
\`conversation.read\` (\`{"type", "conversation", "reader", "reader_username", "last_read_id", "unread_count"}\`, when a read mark
moved; not to a peer who blocked the reader)
and \`typing\` (\`{"type", "conversation", "from", "from_username"}\`). A client sends
\`{"type": "typing", "to": "<user>"}\` to someone it has a conversation with (rate-limited per user, never stored, never
delivered across a block); a bad frame gets \`{"type": "error", "detail"}\`.
Close codes: 1001 server shutting down, 4001 session or token ended (logout, revocation, expiry), 4008 the client
stopped reading, 1009 a frame over 4 KiB, 1008 too many bad frames (over a socket's budget of 20 and then 5 a second,
or not a well-formed command), 1012 events may have been missed (reconnect and catch up). A handshake past
\`WS_MAX_SOCKETS_PER_USER\` open sockets, or past 30 a minute for the user, gets 429; a plain GET without \`Upgrade\` gets 426. After a reconnect, wait for \`ready\`, then catch
up with \`GET /list-messages/<user>/?after=<last message id seen>\`: nothing falls between the two.

**Errors** use Django REST framework's shapes: \`{"detail": "..."}\`, or \`{"field": ["message", ...]}\` with 400.`;

/**
 * The OpenAPI 3 document, generated from the same schemas that validate requests, served at
 * `/api/schema/`, with Swagger UI at `/api/docs/` and `/docs/`.
 */
export async function installOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      // 3.1: its Schema Objects are JSON Schema, as ours are (`examples` arrays, `type: ["string", "null"]`).
      openapi: '3.1.0',
      info: { title: 'Messaging API', version: '1.0.0', description: DESCRIPTION },
      tags: [
        { name: 'auth', description: 'Accounts and sessions' },
        { name: 'tokens', description: 'API tokens for clients that are not browsers' },
        { name: 'users', description: 'People to message' },
        { name: 'messages', description: 'Sending and reading messages' },
        { name: 'operations', description: 'Health probes and metrics, for orchestrators and scrapers' },
      ],
      components: {
        securitySchemes: {
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'sessionid' },
          csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRFToken' },
          apiToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'A token from `POST /tokens/`, as `Authorization: Bearer <token>`; '
              + '`Authorization: Token <token>` (DRF\'s form) is accepted as well. No CSRF token is needed.',
          },
        },
      },
      // Either a session with its CSRF token, or an API token.
      security: [{ sessionCookie: [], csrfToken: [] }, { apiToken: [] }],
    },
  });

  app.get('/api/schema/', { schema: { hide: true } }, async () => app.swagger());

  for (const routePrefix of ['/api/docs', '/docs']) {
    // Each copy of the UI in its own scope: the plugin decorates the instance it is registered on.
    await app.register(async (scope) => {
      // As every other path without its trailing slash: a 301 to it. The plugin would serve the page at both.
      scope.addHook('onRequest', async (req, reply) => {
        const queryAt = req.url.indexOf('?');
        if ((queryAt < 0 ? req.url : req.url.slice(0, queryAt)) !== routePrefix) return;
        return reply.redirect(`${routePrefix}/${queryAt < 0 ? '' : req.url.slice(queryAt)}`, 301);
      });
      await scope.register(swaggerUi, {
        routePrefix,
        staticCSP: DOCS_CSP,
        uiConfig: {
          deepLinking: true,
          withCredentials: true,
          // Runs in the browser: send the csrftoken cookie back as X-CSRFToken, as Django's own pages do.
          requestInterceptor: function addCsrfHeader(request: { headers: Record<string, string> }) {
            const cookie = (globalThis as unknown as { document: { cookie: string } }).document.cookie;
            const match = cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
            if (match) request.headers['X-CSRFToken'] = decodeURIComponent(match[1]);
            return request;
          },
        } as Record<string, unknown>,
      });
    });
  }
}
