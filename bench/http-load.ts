/** Closed-loop HTTP load with autocannon: N keep-alive connections, each sending its next request on an answer. */
import autocannon from 'autocannon';
import { percentile } from './statistics.js';

export interface HttpRequestSpec {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** One fixed request, or a function giving each request in turn (content that varies, rotating users). */
export type RequestSource = HttpRequestSpec | (() => HttpRequestSpec);

export interface LoadOptions {
  readonly connections: number;
  readonly seconds: number;
}

export interface LoadFigures {
  /** Answers with a 2xx status per second. */
  readonly rate: number;
  /** Latency of the 2xx answers, in milliseconds (nearest rank). */
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  /** Non-2xx answers by status, and connection errors (a request unanswered after 10 s is one). */
  readonly failures: Readonly<Record<string, number>>;
  /** CPU the server used over the run, in cores (1 = one core fully busy); NaN when unknown. */
  readonly serverCores: number;
}

/** Drives `port` with `source` for `seconds`; `serverCpuSeconds` reads the server's CPU time, for its load. */
export async function runLoad(port: number, source: RequestSource, options: LoadOptions,
  serverCpuSeconds: () => number = () => Number.NaN): Promise<LoadFigures> {
  const fixed = typeof source === 'function' ? source() : source;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const count = (key: string) => {
    failures[key] = (failures[key] ?? 0) + 1;
  };

  const cpuBefore = serverCpuSeconds();
  const startedAt = performance.now();
  let finished!: (result: autocannon.Result) => void;
  let failed!: (error: unknown) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finished = resolve;
    failed = reject;
  });
  const instance = autocannon({
    // autocannon takes the path of a fixed request from the URL (a `path` option is ignored).
    url: `http://127.0.0.1:${port}${fixed.path}`,
    connections: options.connections,
    duration: options.seconds,
    method: fixed.method,
    headers: { ...fixed.headers },
    ...(fixed.body === undefined ? {} : { body: fixed.body }),
    ...(typeof source === 'function' ? { requests: [{ setupRequest: (request) => ({ ...request, ...withHeaders(source()) }) }] } : {}),
  } as autocannon.Options, (error, result) => (error ? failed(error) : finished(result)));
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    else count(String(statusCode));
  });
  instance.on('reqError', (error) => count(`error: ${error.message}`));
  const result = await done;
  const wallSeconds = (performance.now() - startedAt) / 1000;

  latencies.sort((a, b) => a - b);
  return {
    rate: latencies.length / result.duration,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: latencies.length,
    failures,
    serverCores: (serverCpuSeconds() - cpuBefore) / wallSeconds,
  };
}

/** autocannon merges the request's headers with its defaults; a fresh object each time keeps them apart. */
function withHeaders(spec: HttpRequestSpec): HttpRequestSpec {
  return { ...spec, headers: { ...spec.headers } };
}
