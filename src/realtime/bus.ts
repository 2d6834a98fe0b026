/**
 * How instances of the service tell each other what to deliver. Payloads are already-serialized
 * JSON events; a bus never parses them.
 */
export interface Bus {
  /** Whether what is published reaches this instance's sockets alone (the in-process bus). */
  readonly deliversOnlyHere: boolean;
  /** Delivers `payload` to the sockets of `userId`, on every instance. Never throws: a loss is logged and counted. */
  publish(userId: number, payload: string): void;
  /** Tells every instance that a session or token ended, so that its sockets close. */
  revoke(credentialHash: string): void;
  /**
   * Starts receiving what is published for `userId` (while this instance has a socket of theirs).
   * Settles once everything published for them from then on will arrive here.
   */
  watch(userId: number): Promise<void>;
  unwatch(userId: number): void;
  onDeliver(handler: (userId: number, payload: string) => void): void;
  onRevoke(handler: (credentialHash: string) => void): void;
  /**
   * Called when what was published may have stopped reaching this instance for a while (the link to the
   * broker dropped): an event published meanwhile is lost to this instance's sockets.
   */
  onInterrupted(handler: () => void): void;
  /**
   * Called when events for these users (or for anyone: 'all') could not be published for a while and
   * are lost to their sockets on every instance; told once the broker can be reached again.
   */
  onMissed(handler: (userIds: readonly number[] | 'all') => void): void;
  /** Messages that could not be published (the broker was unreachable). */
  readonly lostCount: number;
  close(): Promise<void>;
}
