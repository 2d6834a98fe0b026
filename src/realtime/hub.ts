import type { WebSocket } from 'ws';
import type { Bus } from './bus.js';

/** An open socket and whose it is: the user, and the session or token it was opened with. */
export interface Connection {
  readonly socket: WebSocket;
  readonly userId: number;
  readonly credentialHash: string;
}

export const CLOSE_GOING_AWAY = 1001;
/** The session or token the socket was opened with ended (logout, revocation, expiry). */
export const CLOSE_SESSION_ENDED = 4001;
/** The client stopped reading: more than the buffer limit waited to be sent to it. */
export const CLOSE_TOO_SLOW = 4008;
/** Events may have been missed (the link to Redis dropped): reconnect, then catch up. */
export const CLOSE_SERVICE_RESTART = 1012;

export interface HubOptions {
  /** Bytes that may wait in a socket's send buffer before the client counts as not reading. */
  readonly maxBufferedBytes: number;
}

/**
 * The sockets of this instance, by user and by credential. Events go out through the bus, which
 * brings them back to every instance holding a socket of the user (this one included).
 */
export function createHub(bus: Bus, options: HubOptions) {
  const byUser = new Map<number, Set<Connection>>();
  const byCredential = new Map<string, Set<Connection>>();
  const subscriptions = new Map<number, Promise<void>>();

  /** Connections that were told they are ready; nothing reaches a socket before its ready frame. */
  const live = new WeakSet<Connection>();

  /** Sends to an open socket, or closes it with 4008 when more than the limit waits unread already. */
  function sendTo(socket: WebSocket, payload: string): void {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      socket.close(CLOSE_TOO_SLOW, 'Too slow: events piled up unread');
      return;
    }
    socket.send(payload);
  }

  bus.onDeliver((userId, payload) => {
    for (const connection of byUser.get(userId) ?? []) if (live.has(connection)) sendTo(connection.socket, payload);
  });
  function closeCredential(credentialHash: string): void {
    for (const connection of byCredential.get(credentialHash) ?? []) {
      connection.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
    }
  }
  bus.onRevoke(closeCredential);
  // The sockets' clients reconnect and catch up; a socket opened meanwhile is ready only once the bus
  // has subscribed again, so every user here is watched anew.
  bus.onInterrupted(() => {
    for (const userId of byUser.keys()) subscriptions.set(userId, bus.watch(userId));
    closeAllSockets(CLOSE_SERVICE_RESTART, 'Real-time delivery interrupted; reconnect and catch up');
  });

  bus.onMissed((userIds) => {
    const reason = 'Real-time events were lost; reconnect and catch up';
    if (userIds === 'all') return closeAllSockets(CLOSE_SERVICE_RESTART, reason);
    for (const userId of userIds) for (const connection of byUser.get(userId) ?? []) connection.socket.close(CLOSE_SERVICE_RESTART, reason);
  });

  function closeAllSockets(code: number, reason: string): void {
    for (const set of byUser.values()) for (const connection of set) connection.socket.close(code, reason);
  }

  function addTo<K>(map: Map<K, Set<Connection>>, key: K, connection: Connection): boolean {
    let set = map.get(key);
    const first = set === undefined;
    if (!set) map.set(key, (set = new Set()));
    set.add(connection);
    return first;
  }

  function removeFrom<K>(map: Map<K, Set<Connection>>, key: K, connection: Connection): boolean {
    const set = map.get(key);
    if (!set?.delete(connection) || set.size > 0) return false;
    map.delete(key);
    return true;
  }

  let open = 0;
  return {
    /**
     * Adds the socket. Once every event published for its user from then on will reach it, and its
     * credential is found `stillValid` (an ending published before this instance could hear it, say
     * while its Redis link was down, was missed), sends it `readyFrame` and from then on the events; an
     * event that came earlier is not sent, so the ready frame is always the first (the client's
     * catch-up covers what came before it). A credential that ended is closed with 4001.
     */
    add(connection: Connection, readyFrame: string, stillValid: () => Promise<boolean>): void {
      open += 1;
      if (addTo(byUser, connection.userId, connection)) subscriptions.set(connection.userId, bus.watch(connection.userId));
      addTo(byCredential, connection.credentialHash, connection);
      void subscriptions.get(connection.userId)!.then(stillValid).then((valid) => {
        if (!byUser.get(connection.userId)?.has(connection)) return;
        if (!valid) return connection.socket.close(CLOSE_SESSION_ENDED, 'Session ended');
        live.add(connection);
        sendTo(connection.socket, readyFrame);
      }, () => connection.socket.close(CLOSE_SERVICE_RESTART, 'Could not check the session; reconnect'));
    },

    sendTo,

    remove(connection: Connection): void {
      if (!byUser.get(connection.userId)?.has(connection)) return;
      open -= 1;
      if (removeFrom(byUser, connection.userId, connection)) {
        subscriptions.delete(connection.userId);
        bus.unwatch(connection.userId);
      }
      removeFrom(byCredential, connection.credentialHash, connection);
    },

    /** Sends an event to every socket of each of these users, on every instance. */
    publish(userIds: readonly number[], event: object): void {
      // On the in-process bus, an event for users without a socket here reaches no one: not even serialized.
      const targets = bus.deliversOnlyHere ? userIds.filter((userId) => byUser.has(userId)) : userIds;
      if (targets.length === 0) return;
      const payload = JSON.stringify(event);
      for (const userId of new Set(targets)) bus.publish(userId, payload);
    },

    /**
     * Closes the sockets of a session or token that ended, on every instance: this one's at once, so
     * that they close even while the bus (Redis) cannot carry the word to the others.
     */
    revoke(credentialHash: string): void {
      closeCredential(credentialHash);
      bus.revoke(credentialHash);
    },

    closeAll: closeAllSockets,

    /** How many sockets of this user are open on this instance. */
    socketsOf(userId: number): number {
      return byUser.get(userId)?.size ?? 0;
    },

    get openCount(): number {
      return open;
    },
  };
}

export type Hub = ReturnType<typeof createHub>;
