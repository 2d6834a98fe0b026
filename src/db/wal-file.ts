import { type FileHandle, open } from 'node:fs/promises';

/**
 * The write-ahead log of an SQLite database, held open to be flushed to the disk (fdatasync) on libuv's
 * thread pool rather than on the event loop. The file stays the same one while the service's connection
 * is open: SQLite deletes it only when the last connection to the database closes, and empties it in place.
 */
export class WalFile {
  readonly #path: string;
  #handle: Promise<FileHandle> | null = null;

  constructor(databasePath: string) {
    this.#path = `${databasePath}-wal`;
  }

  /** Resolves once everything written to the WAL so far, the commits in it included, is on the disk. */
  async sync(): Promise<void> {
    const handle = this.#handle ??= open(this.#path, 'r');
    try {
      await (await handle).datasync();
    } catch (error) {
      // Opened afresh for the next commit, in case the handle itself is what failed.
      if (this.#handle === handle) this.#handle = null;
      void handle.then((file) => file.close()).catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle) await (await handle.catch(() => null))?.close();
  }
}
