/**
 * Fastify answering the history page from memory: no database, no hooks of ours. How much of a page's
 * cost is the framework's own, run as a child process by bench/framework-floor.ts:
 *   PORT=... FRAMEWORK_LAYERS=bare|logged [FRAMEWORK_SERIALIZER=compiled|service] node --import tsx bench/framework-server.ts
 * `bare`: Fastify without a logger. `logged`: with what every request of the service has before any
 * hook of ours runs: the service's logger options (at warn, as the benchmarks run it), a request id
 * per request, and @fastify/cookie reading the cookies. Answers are written by the serializer Fastify
 * compiles from the response schema, or with `service` as the service writes them.
 */
import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { loggerOptions } from '../src/http/logging.js';
import { installResponseSerializer } from '../src/http/response-serializer.js';
import { MessagesPage } from '../src/modules/messages/messages.schemas.js';
import { samplePage } from './sample-page.js';

const logged = process.env.FRAMEWORK_LAYERS === 'logged';
const app = Fastify({ logger: logged ? loggerOptions('warn') : false, genReqId: () => crypto.randomUUID() });
if (process.env.FRAMEWORK_SERIALIZER === 'service') installResponseSerializer(app, { checked: false });
if (logged) await app.register(cookie);
const page = samplePage();
app.get('/list-messages/:recipient/', { schema: { response: { 200: MessagesPage } } }, async () => page);
await app.listen({ port: Number(process.env.PORT), host: process.env.HOST ?? '127.0.0.1' });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
