import { type FileHandle, open } from 'node:fs/promises';

/**
 * The write-ahead log of an SQLite database, held open to be flushed to the disk (fdatasync) on libuv's
 * thread pool rather than on the event loop. It is opened at the first flush, once a commit has made
 * sure that it exists. The file stays the same one while the service's connection is open: SQLite
 * deletes it only when the last connection to the database closes, and after a checkpoint writes it
 * again from its beginning.
 *
 * One flush runs at a time. A commit made while one runs waits for the next, which starts when that one
 * ends and covers every commit made meanwhile; so concurrent commits share flushes, and no flush can
 * report success for a commit that an earlier, failed one may have lost. A failure is final: after a
 * failed fdatasync the kernel may have dropped what it could not write, and a later one would succeed
 * without it, so every flush after it fails too.
 */
export class WalFile {
  readonly #path: string;
  #handle: Promise<FileHandle> | null = null;
  #current: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #failure: unknown = null;

  /** `path`: the WAL's own, from the database's path as SQLite resolved it (`pragma database_list`). */
  constructor(path: string) {
    this.#path = path;
  }

  /** Resolves once everything written to the WAL so far, the commits in it included, is on the disk. */
  sync(): Promise<void> {
    if (this.#current === null && this.#next === null) return this.#start();
    // The flush under way may have begun before the caller's commit was written. (Between the end of one
    // flush and the start of the next, #current is null and #next is not: the caller joins the next.)
    this.#next ??= this.#current!.then(() => {}, () => {}).then(() => {
      this.#next = null;
      return this.#start();
    });
    return this.#next;
  }

  #start(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const flush = this.#flush();
    this.#current = flush;
    // Registered before anything waiting for the next flush, so that it runs first.
    flush.then(() => {
      if (this.#current === flush) this.#current = null;
    }, (error: unknown) => {
      this.#failure = error;
      if (this.#current === flush) this.#current = null;
    });
    return flush;
  }

  async #flush(): Promise<void> {
    this.#handle ??= open(this.#path, 'r');
    await (await this.#handle).datasync();
  }

  async close(): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    if (handle) await (await handle.catch(() => null))?.close();
  }
}
