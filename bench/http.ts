/** A small keep-alive HTTP/1.1 client for the benchmark: node:http with a pooled Agent, loopback only. */
import http from 'node:http';

export interface HttpResponse {
  status: number;
  body: string;
}

export class HttpClient {
  readonly agent: http.Agent;

  constructor(private readonly port: number, maxSockets = 64) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = http.request({
        host: '127.0.0.1',
        port: this.port,
        method,
        path,
        agent: this.agent,
        headers: payload === undefined ? headers : {
          'Content-Type': 'application/json',
          'Content-Length': String(Buffer.byteLength(payload)),
          ...headers,
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A JSON request that must answer `expected`; its parsed body. */
  async json<T>(method: string, path: string, body: unknown, expected: number, headers: Record<string, string> = {}): Promise<T> {
    const response = await this.request(method, path, body, headers);
    if (response.status !== expected) {
      throw new Error(`${method} ${path} answered ${response.status}, expected ${expected}: ${response.body.slice(0, 300)}`);
    }
    return JSON.parse(response.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}
