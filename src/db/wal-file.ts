import { type FileHandle, open } from 'node:fs/promises';

/**
 * The write-ahead log of an SQLite database, held open to be flushed to the disk (fdatasync) on libuv's
 * thread pool rather than on the event loop. It is opened at the first flush, once a commit has made
 * sure that it exists. The file stays the same one while the service's connection is open: SQLite
 * deletes it only when the last connection to the database closes, and after a checkpoint writes it
 * again from its beginning.
 */
export class WalFile {
  readonly #path: string;
  #handle: Promise<FileHandle> | null = null;

  /** `path`: the WAL's own, from the database's path as SQLite resolved it (`pragma database_list`). */
  constructor(path: string) {
    this.#path = path;
  }

  /**
   * Resolves once everything written to the WAL so far, the commits in it included, is on the disk.
   * A failure is not retried: after a failed fdatasync the kernel may have dropped what it failed to
   * write, and a later one would succeed without it.
   */
  async sync(): Promise<void> {
    this.#handle ??= open(this.#path, 'r');
    await (await this.#handle).datasync();
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle) await (await handle.catch(() => null))?.close();
  }
}
