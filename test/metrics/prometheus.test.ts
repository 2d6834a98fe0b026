import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRegistry } from '../../src/metrics/prometheus.js';

test('a counter writes one sample per label set, escaping label values', () => {
  const registry = createRegistry();
  const counter = registry.counter({ name: 'things_total', help: 'Things.\nCounted \\ here.', labelNames: ['kind', 'where'] });
  counter.inc({ kind: 'a', where: 'x' });
  counter.inc({ kind: 'a', where: 'x' }, 2);
  counter.inc({ kind: 'say "hi"\\\n', where: 'y' });
  assert.equal(registry.expose(), [
    '# HELP things_total Things.\\nCounted \\\\ here.',
    '# TYPE things_total counter',
    'things_total{kind="a",where="x"} 3',
    'things_total{kind="say \\"hi\\"\\\\\\n",where="y"} 1',
    '',
  ].join('\n'));
});

test('a histogram writes cumulative buckets, +Inf, sum and count', () => {
  const registry = createRegistry();
  const histogram = registry.histogram({ name: 'sizes', help: 'Sizes.', labelNames: [], buckets: [5, 1, 2] });
  for (const value of [1, 2, 3, 10]) histogram.observe({}, value);
  assert.equal(registry.expose(), [
    '# HELP sizes Sizes.',
    '# TYPE sizes histogram',
    'sizes_bucket{le="1"} 1',
    'sizes_bucket{le="2"} 2',
    'sizes_bucket{le="5"} 3',
    'sizes_bucket{le="+Inf"} 4',
    'sizes_sum 16',
    'sizes_count 4',
    '',
  ].join('\n'));
});

test('a series kept from labels() counts into the sample of the same label values', () => {
  const registry = createRegistry();
  const counter = registry.counter({ name: 'hits_total', help: 'Hits.', labelNames: ['route'] });
  const histogram = registry.histogram({ name: 'took', help: 'Took.', labelNames: ['route'], buckets: [1, 2] });
  const hits = counter.labels({ route: '/a' });
  const took = histogram.labels({ route: '/a' });
  hits.inc();
  hits.inc(2);
  counter.inc({ route: '/a' });
  counter.labels({ route: '/b' }).inc();
  // On a bound counts in that bucket; above the last only in +Inf.
  for (const value of [1, 2, 2.5]) took.observe(value);
  histogram.observe({ route: '/a' }, 0.5);
  assert.equal(registry.expose(), [
    '# HELP hits_total Hits.',
    '# TYPE hits_total counter',
    'hits_total{route="/a"} 4',
    'hits_total{route="/b"} 1',
    '# HELP took Took.',
    '# TYPE took histogram',
    'took_bucket{route="/a",le="1"} 2',
    'took_bucket{route="/a",le="2"} 3',
    'took_bucket{route="/a",le="+Inf"} 4',
    'took_sum{route="/a"} 6',
    'took_count{route="/a"} 4',
    '',
  ].join('\n'));
});

test('a collected value is read at every scrape', () => {
  const registry = createRegistry();
  let open = 1;
  registry.collected({ name: 'open_things', help: 'Open.', type: 'gauge', read: () => open });
  assert.match(registry.expose(), /^open_things 1$/m);
  open = 0;
  assert.match(registry.expose(), /^open_things 0$/m);
});

test('a name is registered once, and only a valid one', () => {
  const registry = createRegistry();
  registry.counter({ name: 'once_total', help: 'Once.', labelNames: [] });
  assert.throws(() => registry.counter({ name: 'once_total', help: 'Again.', labelNames: [] }), /twice/);
  assert.throws(() => registry.counter({ name: 'not-valid', help: 'Bad.', labelNames: [] }), /invalid/);
});

test('an unlabelled counter is written at zero before it counts anything', () => {
  const registry = createRegistry();
  registry.counter({ name: 'events_total', help: 'Events.', labelNames: [] });
  assert.match(registry.expose(), /^events_total 0$/m);
});
