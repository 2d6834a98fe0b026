import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { webBundle } from './web-bundle.js';

/**
 * The web app's pages load only what this origin serves: its script and stylesheet, and connections
 * (the API and /ws/) back to it. No inline script or style runs.
 */
export const WEB_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
  + "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** `/`: the web app's page, and `/assets/` its script and stylesheet. */
export const webRoutes: FastifyPluginAsync = async (app) => {
  // After the security headers hook of the root, so that this policy replaces the API's.
  app.addHook('onSend', (_req, reply, payload, done) => {
    reply.header('content-security-policy', WEB_CSP);
    done(null, payload);
  });

  // Asked again on every load, so that a new version of the service is picked up at once.
  const send = (reply: FastifyReply, type: string, body: string) => reply.type(type).header('cache-control', 'no-cache').send(body);

  const hidden = { schema: { hide: true } };
  app.get('/', hidden, async (_req, reply) => send(reply, 'text/html; charset=utf-8', (await webBundle()).html));
  app.get('/assets/app.js', hidden, async (_req, reply) => send(reply, 'text/javascript; charset=utf-8', (await webBundle()).script));
  app.get('/assets/app.css', hidden, async (_req, reply) => send(reply, 'text/css; charset=utf-8', (await webBundle()).styles));
};
