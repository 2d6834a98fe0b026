import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';

export interface TcpProxy {
  readonly port: number;
  /** Starts forwarding connections to the target. */
  up(): Promise<void>;
  /** Stops listening and cuts every forwarded connection, as a server that went away. */
  down(): Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 to `target`, on a port of its own, that starts down (nothing listens, so a
 * connection is refused) and can be brought up and down; closed when the test ends.
 */
export async function tcpProxy(t: TestContext, target: { host: string; port: number }): Promise<TcpProxy> {
  const reserve = createServer();
  await new Promise<void>((resolve) => reserve.listen(0, '127.0.0.1', resolve));
  const { port } = reserve.address() as { port: number };
  await new Promise((resolve) => reserve.close(resolve));

  const open = new Set<Socket>();
  let server: Server | null = null;
  const proxy: TcpProxy = {
    port,
    async up() {
      server = createServer((client) => {
        const upstream = createConnection(target);
        for (const [from, to] of [[client, upstream], [upstream, client]]) {
          open.add(from);
          from.pipe(to);
          from.on('error', () => to.destroy());
          from.on('close', () => { open.delete(from); to.destroy(); });
        }
      });
      const listening = server;
      await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve));
    },
    async down() {
      const closing = server;
      server = null;
      for (const socket of open) socket.destroy();
      if (closing) await new Promise((resolve) => closing.close(resolve));
    },
  };
  t.after(() => proxy.down());
  return proxy;
}
