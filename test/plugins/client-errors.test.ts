import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { buildTestApp } from '../helpers/app.js';
import { describeEachDatabase } from '../helpers/databases.js';
import { listen } from '../helpers/sockets.js';

interface RawAnswer {
  statusLine: string;
  headers: Map<string, string>;
  body: string;
}

/** Writes `request` as bytes to the server and reads what comes back until the server closes. */
function exchange(baseUrl: string, request: Buffer): Promise<RawAnswer> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(request));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body = ''] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = new Map(lines.map((line) => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()] as const;
      }));
      resolve({ statusLine, headers, body });
    });
  });
}

describeEachDatabase('requests the HTTP parser refuses', (kind) => {
  test('are answered 400 {"detail"} with the security headers, and the connection closed', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const requests = [
      Buffer.concat([Buffer.from('GET /users-list/?search='), Buffer.from([0xc3, 0xa9]), Buffer.from(' HTTP/1.1\r\nHost: x\r\n\r\n')]),
      Buffer.from('POST /login/ HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'),
      Buffer.from('NOT A REQUEST\r\n\r\n'),
    ];
    for (const request of requests) {
      const label = JSON.stringify(request.toString('latin1').split('\r\n')[0]);
      const answer = await exchange(baseUrl, request);
      assert.equal(answer.statusLine, 'HTTP/1.1 400 Bad Request', label);
      assert.deepEqual(JSON.parse(answer.body), { detail: 'Malformed HTTP request.' }, label);
      assert.equal(answer.headers.get('content-type'), 'application/json; charset=utf-8', label);
      assert.equal(Number(answer.headers.get('content-length')), Buffer.byteLength(answer.body), label);
      assert.equal(answer.headers.get('x-frame-options'), 'DENY', label);
      assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', label);
      assert.match(answer.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, label);
    }
  });

  test('headers over the size limit get 431 in the same shape', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    const answer = await exchange(baseUrl, Buffer.from(`GET /users-list/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    assert.equal(answer.statusLine, 'HTTP/1.1 431 Request Header Fields Too Large');
    assert.deepEqual(JSON.parse(answer.body), { detail: 'The request headers are too large.' });
    assert.equal(answer.headers.get('x-frame-options'), 'DENY');
  });

  test('the service goes on answering', async (t) => {
    const { app } = await buildTestApp(t, kind);
    const baseUrl = await listen(app);
    await exchange(baseUrl, Buffer.from('NOT A REQUEST\r\n\r\n'));
    const res = await fetch(`${baseUrl}/users-list/`);
    assert.equal(res.status, 403);
  });
});
