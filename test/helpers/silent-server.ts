import { createServer, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

/**
 * A TCP server on 127.0.0.1 that takes every connection and never answers (a wrong port, a TLS-only
 * endpoint), closed when the test ends: `accepted` tells how many connections it took.
 */
export async function silentServer(t: TestContext): Promise<{ url: (scheme: string) => string; accepted: () => number }> {
  const held: Socket[] = [];
  const server = createServer((socket) => { held.push(socket); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const socket of held) socket.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  return { url: (scheme) => `${scheme}://127.0.0.1:${port}`, accepted: () => held.length };
}
