/**
 * `npm run bench:floor [-- --rounds R --seconds S]`: the history page answered from memory by Fastify
 * (bench/framework-server.ts), bare, with the service's logger and cookie parsing, and with those and
 * the service's serializer, against the ceiling (bench/ceiling-server.ts) answering a body of the same
 * size, driven in turns by autocannon at 50 connections. What is left of the ceiling once the
 * framework has had its share is what the service's own work (its hooks, the database, the answer)
 * can at best be measured against.
 */
import { parseArgs } from 'node:util';
import { ChildServer, killChildServers } from './child-server.js';
import { type HttpRequestSpec, runLoad } from './http-load.js';
import { samplePage } from './sample-page.js';
import { fixed, machineDescription, median, table } from './statistics.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '5' }, seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '50' } },
});
const rounds = Number(args.rounds);
const load = { seconds: Number(args.seconds), connections: Number(args.connections) };
const PATH = '/list-messages/user2/';
// Cookies as long as the service's, so that reading them costs what it does there.
const request: HttpRequestSpec = {
  method: 'GET',
  path: `${PATH}?page_size=10`,
  headers: { Cookie: `sessionid=${'s'.repeat(43)}; csrftoken=${'c'.repeat(64)}` },
};

try {
  const bytes = Buffer.byteLength(JSON.stringify(samplePage()));
  const servers = [
    await ChildServer.start('ceiling', 'bench/ceiling-server.ts', { CEILING_ROUTES: JSON.stringify({ [`GET ${PATH}`]: bytes }) }, PATH),
    await ChildServer.start('fastify', 'bench/framework-server.ts', { FRAMEWORK_LAYERS: 'bare' }, PATH),
    await ChildServer.start('fastify, logger, cookies', 'bench/framework-server.ts', { FRAMEWORK_LAYERS: 'logged' }, PATH),
    await ChildServer.start('fastify, logger, cookies, the service\'s serializer', 'bench/framework-server.ts',
      { FRAMEWORK_LAYERS: 'logged', FRAMEWORK_SERIALIZER: 'service' }, PATH),
  ];
  console.log(`${machineDescription()}\nhistory page body: ${bytes} B; ${rounds} rounds of ${load.seconds} s, ${load.connections} connections`);
  for (const server of servers) await runLoad(server.port, request, { ...load, seconds: 2 });
  const rates = servers.map((): number[] => []);
  const cpuPerPage = servers.map((): number[] => []);
  for (let round = 0; round < rounds; round += 1) {
    for (const [i, server] of servers.entries()) {
      const figures = await runLoad(server.port, request, load, () => server.cpuSeconds());
      if (Object.keys(figures.failures).length > 0) throw new Error(`${server.name}: ${JSON.stringify(figures.failures)}`);
      rates[i].push(figures.rate);
      cpuPerPage[i].push((figures.serverCores / figures.rate) * 1e6);
      await server.settle();
    }
    console.log(`round ${round + 1}: ${servers.map((server, i) => `${server.name} ${Math.round(rates[i][round])}/s`).join(', ')}`);
  }
  const ceiling = median(rates[0]);
  console.log(`\n${table(['server', 'req/s (median)', 'of the ceiling', 'server CPU a page (median)'], servers.map((server, i) => [
    server.name, String(Math.round(median(rates[i]))), fixed(median(rates[i]) / ceiling, 2), `${fixed(median(cpuPerPage[i]))} µs`,
  ]))}`);
} finally {
  killChildServers();
}
