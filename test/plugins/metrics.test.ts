import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildTestApp } from '../helpers/app.js';
import { register, signUp } from '../helpers/client.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { closed, connect, listen } from '../helpers/sockets.js';

// prom-client writes NaN as `Nan`, which Prometheus reads (its parser takes any letter case).
const SAMPLE_LINE = /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN|Nan)$/;

/** The samples of a scrape, by `name{labels}` with the labels in alphabetical order (their order carries no meaning). */
async function scrape(app: FastifyInstance, headers: Record<string, string> = {}): Promise<Map<string, number>> {
  const res = await app.inject({ method: 'GET', url: '/metrics', headers });
  assert.equal(res.statusCode, 200, res.body);
  const samples = new Map<string, number>();
  for (const line of res.body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    const series = /^([^{]+)(?:\{(.*)\})?$/.exec(line.slice(0, cut))!;
    const labels = series[2] === undefined ? '' : `{${series[2].split(/,(?=[a-zA-Z_]+=")/).sort().join(',')}}`;
    samples.set(series[1] + labels, Number(line.slice(cut + 1)));
  }
  return samples;
}

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.fail(`never: ${what}`);
}

describeEachDatabase('metrics', (kind) => {
  test('GET /metrics is the Prometheus text format, every metric with its HELP and TYPE', async (t) => {
    const { app } = await buildTestApp(t, kind);
    await app.inject({ method: 'GET', url: '/healthz' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    const lines = res.body.split('\n');
    assert.equal(lines.at(-1), '', 'ends with a newline');
    const typed = new Map<string, string>();
    // Empty lines are allowed between samples, and ignored.
    for (const line of lines.filter((text) => text !== '')) {
      const type = /^# TYPE (\S+) (counter|gauge|histogram)$/.exec(line);
      if (type) typed.set(type[1], type[2]);
      else if (!line.startsWith('# HELP ')) assert.match(line, SAMPLE_LINE);
    }
    const ours = {
      group_commit_batch_size: 'histogram',
      group_commit_batches_total: 'counter',
      group_commit_largest_batch: 'gauge',
      group_commit_messages_total: 'counter',
      http_request_duration_seconds: 'histogram',
      http_requests_total: 'counter',
      realtime_publish_lost_total: 'counter',
      websocket_connections: 'gauge',
    };
    // The process's own, from prom-client's default metrics.
    const processes = {
      process_cpu_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_gc_duration_seconds: 'histogram',
      nodejs_eventloop_lag_p99_seconds: 'gauge',
      nodejs_active_handles_total: 'gauge',
    };
    for (const [name, type] of Object.entries({ ...ours, ...processes })) assert.equal(typed.get(name), type, name);
    const unexpected = [...typed.keys()].filter((name) => !(name in ours) && !/^(process|nodejs)_/.test(name));
    assert.deepEqual(unexpected, []);
    for (const name of typed.keys()) assert.ok(lines.some((line) => line.startsWith(`# HELP ${name} `)), name);
  });

  test('requests are counted by method, route pattern and status, never by their raw URL', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    await alice.get('/list-messages/bob/');
    await alice.get('/list-messages/bob@example.com/?page=1');
    await alice.get('/list-messages/nobody-at-all/');
    await alice.post('/messages/', { recipient: 'bob', content: 'counted, not logged' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.doesNotMatch(res.body, /bob|nobody|example\.com|page=/);
    const samples = await scrape(app);
    assert.equal(samples.get('http_requests_total{method="GET",route="/list-messages/:recipient/",status="200"}'), 2);
    assert.equal(samples.get('http_requests_total{method="GET",route="/list-messages/:recipient/",status="404"}'), 1);
    assert.equal(samples.get('http_requests_total{method="POST",route="/messages/",status="201"}'), 1);
    assert.equal(samples.get('http_requests_total{method="POST",route="/login/",status="200"}'), 1);
  });

  test('paths that match no route share one fixed label, so their number cannot grow the series', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (let i = 0; i < 25; i += 1) await app.inject({ method: 'GET', url: `/probe-${i}/secret-${i}` });
    await app.inject({ method: 'GET', url: '/users-list' });
    await app.inject({ method: 'PUT', url: '/register/' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    assert.doesNotMatch(res.body, /probe-|secret-/);
    const samples = await scrape(app);
    assert.equal(samples.get('http_requests_total{method="GET",route="unmatched",status="404"}'), 25);
    assert.equal(samples.get('http_requests_total{method="GET",route="unmatched",status="301"}'), 1);
    assert.equal(samples.get('http_requests_total{method="PUT",route="unmatched",status="405"}'), 1);
  });

  test('request durations are a cumulative histogram in seconds by method and route', async (t) => {
    const { app } = await buildTestApp(t, kind);
    for (let i = 0; i < 3; i += 1) await app.inject({ method: 'GET', url: '/healthz' });
    const samples = await scrape(app);
    const prefix = 'http_request_duration_seconds';
    const labels = 'method="GET",route="/healthz"';
    const buckets = [...samples].filter(([key]) => key.startsWith(`${prefix}_bucket{le=`) && key.endsWith(`,${labels}}`));
    assert.ok(buckets.length > 5);
    for (let i = 1; i < buckets.length; i += 1) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative');
    assert.equal(samples.get(`${prefix}_bucket{le="+Inf",${labels}}`), 3);
    assert.equal(samples.get(`${prefix}_count{${labels}}`), 3);
    const sum = samples.get(`${prefix}_sum{${labels}}`)!;
    assert.ok(sum > 0 && sum < 3, `sum ${sum} s`);
  });

  test('websocket_connections follows the sockets open on this instance', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const alice = await signUp(app, 'alice');
    assert.equal((await scrape(app)).get('websocket_connections'), 0);
    const first = await connect(t, baseUrl, { as: alice });
    await connect(t, baseUrl, { as: alice });
    await eventually(async () => (await scrape(app)).get('websocket_connections') === 2, 'two sockets counted');
    first.close();
    await closed(first);
    await eventually(async () => (await scrape(app)).get('websocket_connections') === 1, 'one socket counted');
  });

  test('group commit reports its batches and the sends they carried (SQLite; zero elsewhere)', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const alice = await signUp(app, 'alice');
    await register(app, 'bob');
    const sends = 6;
    const responses = await Promise.all(Array.from({ length: sends },
      (_, i) => alice.post('/messages/', { recipient: 'bob', content: `message ${i}` })));
    for (const res of responses) assert.equal(res.statusCode, 201, res.body);
    const samples = await scrape(app);
    const batches = samples.get('group_commit_batches_total')!;
    if (kind === 'sqlite') {
      assert.equal(samples.get('group_commit_messages_total'), sends);
      assert.ok(batches >= 1 && batches <= sends, `${batches} batches`);
      assert.ok(samples.get('group_commit_largest_batch')! >= Math.ceil(sends / batches));
    } else {
      assert.equal(samples.get('group_commit_messages_total'), 0);
      assert.equal(batches, 0);
    }
    assert.equal(samples.get('group_commit_batch_size_count'), batches);
    assert.equal(samples.get('group_commit_batch_size_sum'), samples.get('group_commit_messages_total'));
    assert.equal(samples.get('group_commit_batch_size_bucket{le="+Inf"}'), batches);
  });

  test('with METRICS_TOKEN set, /metrics needs it as a bearer token', async (t) => {
    const token = 'scrape-token-for-tests';
    const { app } = await buildTestApp(t, kind, { METRICS_TOKEN: token });
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Token ${token}` }, { authorization: token }]) {
      const res = await app.inject({ method: 'GET', url: '/metrics', headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.headers['www-authenticate'], 'Bearer');
      assert.deepEqual(Object.keys(res.json()), ['detail']);
    }
    const samples = await scrape(app, { authorization: `Bearer ${token}` });
    assert.equal(samples.get('http_requests_total{method="GET",route="/metrics",status="401"}'), 4);
  });

  test('without METRICS_TOKEN, /metrics is open', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const res = await app.inject({ method: 'GET', url: '/metrics/' });
    assert.equal(res.statusCode, 200);
  });
});

test('real-time events lost while Redis is unreachable are counted', async (t) => {
  // Port 1: nothing listens there, so every publish fails at once.
  const { app } = await buildTestApp(t, 'sqlite', { REDIS_URL: 'redis://127.0.0.1:1' });
  const alice = await signUp(app, 'alice');
  await register(app, 'bob');
  const sent = await alice.post('/messages/', { recipient: 'bob', content: 'hello' });
  assert.equal(sent.statusCode, 201);
  // One event for each participant.
  await eventually(async () => (await scrape(app)).get('realtime_publish_lost_total') === 2, 'two lost events counted');
});
