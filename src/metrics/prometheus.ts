/**
 * A small Prometheus registry: counters and histograms with labels, and values read at scrape time,
 * written out in the text exposition format (version 0.0.4).
 */

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type LabelValues<L extends string> = Readonly<Record<L, string>>;

interface Metric {
  expose(): string;
}

/** One series of a counter: its label values fixed, so that counting looks nothing up. */
export interface CounterSeries {
  inc(by?: number): void;
}

export interface Counter<L extends string> {
  inc(labels: LabelValues<L>, by?: number): void;
  /** The series of these label values, made on first use; keep it to count without finding it again. */
  labels(labels: LabelValues<L>): CounterSeries;
}

export interface HistogramSeries {
  observe(value: number): void;
}

export interface Histogram<L extends string> {
  observe(labels: LabelValues<L>, value: number): void;
  labels(labels: LabelValues<L>): HistogramSeries;
}

export interface MetricDefinition<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

export interface Registry {
  counter<L extends string = never>(definition: MetricDefinition<L>): Counter<L>;
  histogram<L extends string = never>(definition: MetricDefinition<L> & { readonly buckets: readonly number[] }): Histogram<L>;
  /** A single value read when scraped: a gauge, or a counter kept elsewhere (it must only grow). */
  collected(definition: { name: string; help: string; type: 'gauge' | 'counter'; read(): number }): void;
  expose(): string;
}

export function createRegistry(): Registry {
  const metrics: Metric[] = [];
  const names = new Set<string>();

  function claim(name: string): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) throw new Error(`invalid metric name ${name}`);
    if (names.has(name)) throw new Error(`metric ${name} registered twice`);
    names.add(name);
  }

  return {
    counter<L extends string>({ name, help, labelNames }: MetricDefinition<L>): Counter<L> {
      claim(name);
      const series = new Map<string, { value: number }>();
      const seriesOf = (labels: LabelValues<L>) => {
        const key = formatLabels(labelNames, labels);
        let found = series.get(key);
        if (!found) series.set(key, (found = { value: 0 }));
        return found;
      };
      if (labelNames.length === 0) seriesOf({} as LabelValues<L>);
      metrics.push({
        expose: () => header(name, help, 'counter')
          + [...series].map(([labels, { value }]) => `${name}${labels} ${formatNumber(value)}\n`).join(''),
      });
      return {
        inc(labels, by = 1) {
          seriesOf(labels).value += by;
        },
        labels(labels) {
          const target = seriesOf(labels);
          return { inc: (by = 1) => { target.value += by; } };
        },
      };
    },

    histogram<L extends string>({ name, help, labelNames, buckets }: MetricDefinition<L> & { buckets: readonly number[] }): Histogram<L> {
      claim(name);
      const bounds = [...buckets].sort((a, b) => a - b);
      // counts[i]: observations in bucket i alone (above bound i-1, at most bound i), made cumulative when written.
      interface Series { labels: LabelValues<L>; counts: number[]; sum: number; count: number }
      const series = new Map<string, Series>();
      const seriesOf = (labels: LabelValues<L>): Series => {
        const key = formatLabels(labelNames, labels);
        let found = series.get(key);
        if (!found) series.set(key, (found = { labels, counts: bounds.map(() => 0), sum: 0, count: 0 }));
        return found;
      };
      const observeIn = (target: Series, value: number) => {
        let bucket = 0;
        while (bucket < bounds.length && !(value <= bounds[bucket])) bucket += 1;
        if (bucket < bounds.length) target.counts[bucket] += 1;
        target.sum += value;
        target.count += 1;
      };
      // An unlabelled metric is shown at zero before its first observation, as client libraries do.
      if (labelNames.length === 0) seriesOf({} as LabelValues<L>);
      metrics.push({
        expose() {
          let text = header(name, help, 'histogram');
          for (const { labels, counts, sum, count } of series.values()) {
            let cumulative = 0;
            bounds.forEach((bound, i) => {
              cumulative += counts[i];
              text += `${name}_bucket${formatLabels(labelNames, labels, formatNumber(bound))} ${cumulative}\n`;
            });
            text += `${name}_bucket${formatLabels(labelNames, labels, '+Inf')} ${count}\n`;
            text += `${name}_sum${formatLabels(labelNames, labels)} ${formatNumber(sum)}\n`;
            text += `${name}_count${formatLabels(labelNames, labels)} ${count}\n`;
          }
          return text;
        },
      });
      return {
        observe(labels, value) {
          observeIn(seriesOf(labels), value);
        },
        labels(labels) {
          const target = seriesOf(labels);
          return { observe: (value) => observeIn(target, value) };
        },
      };
    },

    collected({ name, help, type, read }) {
      claim(name);
      metrics.push({ expose: () => header(name, help, type) + `${name} ${formatNumber(read())}\n` });
    },

    expose() {
      return metrics.map((metric) => metric.expose()).join('');
    },
  };
}

function header(name: string, help: string, type: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`;
}

function formatLabels<L extends string>(labelNames: readonly L[], labels: LabelValues<L>, le?: string): string {
  const pairs = labelNames.map((label) => `${label}="${escapeLabelValue(labels[label])}"`);
  if (le !== undefined) pairs.push(`le="${le}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

// Label values are formatted on every observation, to find their series; most need no escaping.
const NEEDS_ESCAPING = /[\\"\n]/;

function escapeLabelValue(value: string): string {
  if (!NEEDS_ESCAPING.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}
