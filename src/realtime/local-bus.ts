import type { Bus } from './bus.js';

/** The bus of a single instance: delivery is a function call. */
export function createLocalBus(): Bus {
  const deliverHandlers: ((userId: number, payload: string) => void)[] = [];
  const revokeHandlers: ((credentialHash: string) => void)[] = [];
  return {
    deliversOnlyHere: true,
    publish(userId, payload) {
      for (const handler of deliverHandlers) handler(userId, payload);
    },
    revoke(credentialHash) {
      for (const handler of revokeHandlers) handler(credentialHash);
    },
    async watch() {},
    unwatch() {},
    onDeliver(handler) {
      deliverHandlers.push(handler);
    },
    onRevoke(handler) {
      revokeHandlers.push(handler);
    },
    onInterrupted() {},
    onMissed() {},
    lostCount: 0,
    async close() {},
  };
}
