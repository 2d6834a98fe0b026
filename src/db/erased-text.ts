import type SQLite from 'better-sqlite3';

/** How soon after text is erased the WAL is checkpointed and emptied. */
const SCRUB_DELAY_MS = 1000;
/** Attempts, one a delay apart, while a transaction or another process's reader keeps the WAL in use. */
const SCRUB_ATTEMPTS = 30;

/**
 * Makes text erased from an SQLite database (an edited or deleted message) leave its files. The connection
 * runs with `secure_delete`, so the freed space in a page is overwritten with zeros; but the write-ahead
 * log still holds the pages as they were before, until a checkpoint has copied the new ones into the
 * database and the log is emptied. After an erasure this does both, with `wal_checkpoint(TRUNCATE)`, once
 * every erasure of the last second is committed. A checkpoint blocked by an open transaction or by a
 * reader in another process is tried again a second later.
 */
export class ErasedTextScrubber {
  readonly #connection: SQLite.Database;
  #timer: NodeJS.Timeout | null = null;
  #attemptsLeft = 0;

  constructor(connection: SQLite.Database) {
    this.#connection = connection;
  }

  /** Text was erased: empty the log of it soon. */
  erased(): void {
    this.#attemptsLeft = SCRUB_ATTEMPTS;
    this.#timer ??= setTimeout(() => this.#scrub(), SCRUB_DELAY_MS).unref();
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #scrub(): void {
    this.#timer = null;
    if (!this.#connection.open) return;
    let done = false;
    if (!this.#connection.inTransaction) {
      // Without waiting: the checkpoint runs on the event loop, and the busy timeout would hold it there
      // for as long as another process's reader or writer is at work.
      const busyTimeout = this.#connection.pragma('busy_timeout', { simple: true }) as number;
      this.#connection.pragma('busy_timeout = 0');
      try {
        const [result] = this.#connection.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
        done = result.busy === 0;
      } catch {
        done = false;
      } finally {
        this.#connection.pragma(`busy_timeout = ${busyTimeout}`);
      }
    }
    this.#attemptsLeft -= 1;
    if (!done && this.#attemptsLeft > 0) this.#timer = setTimeout(() => this.#scrub(), SCRUB_DELAY_MS).unref();
  }
}
