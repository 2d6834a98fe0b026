/**
 * The ceiling for one Node process on this machine: a bare node:http server that answers each route
 * with a fixed JSON body as large as the service's answer there, and nothing else (no framework, no
 * database, no parsing). Run as a child process by bench/http-bench.ts:
 *   PORT=... CEILING_ROUTES='{"GET /users-list/": 812, "POST /messages/": 371}' node --import tsx bench/ceiling-server.ts
 * A route is the method and the path without its query; POST routes answer 201 once the body is read.
 */
import http from 'node:http';

const routes = new Map<string, Buffer>(Object.entries(JSON.parse(process.env.CEILING_ROUTES ?? '{}') as Record<string, number>)
  .map(([route, bytes]) => [route, jsonOfSize(bytes)]));
const notFound = Buffer.from('{"detail":"Not found."}');

/** A JSON object of exactly `bytes` bytes (at least its smallest form, `{"padding":""}`). */
function jsonOfSize(bytes: number): Buffer {
  const empty = '{"padding":""}';
  return Buffer.from(`{"padding":"${'x'.repeat(Math.max(0, bytes - empty.length))}"}`);
}

const server = http.createServer((req, res) => {
  const queryAt = req.url!.indexOf('?');
  const body = routes.get(`${req.method} ${queryAt < 0 ? req.url : req.url!.slice(0, queryAt)}`);
  const answer = () => {
    res.writeHead(body ? (req.method === 'POST' ? 201 : 200) : 404, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': (body ?? notFound).length,
    });
    res.end(body ?? notFound);
  };
  req.resume();
  req.on('end', answer);
});
server.keepAliveTimeout = 72_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');

process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
