import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

/**
 * One read transaction shared by the reads that run directly on SQLite in one turn of the event loop.
 *
 * In WAL mode every statement run outside a transaction is a read transaction of its own, which takes
 * and drops a read lock on the WAL index with two `fcntl` calls: six for a page of history (session,
 * peer, page), and system calls are costly on a virtual machine (see docs/performance-history.md,
 * "What was done, with its measurements"). Reads let in here share one transaction, and so one pair of calls,
 * with every other read of the turn, and it ends at the end of the turn (`setImmediate`). They all see
 * the database as it was at the first of them, which is what they would have seen had they run a moment
 * earlier. A client still reads what it wrote through another process: a request is read in the turn
 * whose poll found it ready, after it was sent, and the turn's snapshot is taken after that poll. (Only
 * when libuv finds 1,024 connections ready at once does it poll again within the turn, and the requests
 * found then share the turn's earlier snapshot.)
 *
 * Anything else ends the shared transaction before it runs: a write (so that it commits, and is
 * durable, before it is acknowledged, and the reads after it see it) and whatever Kysely runs, its
 * own transactions included (see `endingBeforeEachStatement`). Kysely's `stream()` must not be used on
 * SQLite: while a statement is being stepped through, better-sqlite3 runs no other but reads, so the
 * turn's transaction could not begin.
 */
export class TurnSnapshot {
  readonly #connection: SQLite.Database;
  readonly #begin: SQLite.Statement;
  readonly #commit: SQLite.Statement;
  #open = false;
  readonly #endOfTurn = () => {
    try {
      this.end();
    } catch {
      // Left open: the next statement that must not run inside it tries again, and fails if it cannot.
    }
  };

  constructor(connection: SQLite.Database) {
    this.#connection = connection;
    this.#begin = connection.prepare('begin');
    this.#commit = connection.prepare('commit');
  }

  /** Whether a transaction other than this one is open on the connection. */
  get otherTransactionOpen(): boolean {
    return this.#connection.inTransaction && !this.#open;
  }

  /** Lets a read that runs now into the turn's transaction, opening it with the turn's first read. */
  enter(): void {
    if (this.#open || this.#connection.inTransaction) return;
    this.#begin.run();
    this.#open = true;
    setImmediate(this.#endOfTurn);
  }

  /**
   * Ends the turn's transaction now, if one is open. Should that fail (committing a transaction that only
   * read cannot fail for want of a lock), it throws, and whatever was to run after it does not: a write
   * must never run inside it, where it would be acknowledged before it commits.
   */
  end(): void {
    if (!this.#open) return;
    if (this.#connection.open && this.#connection.inTransaction) this.#commit.run();
    this.#open = false;
  }

  /** The connection as Kysely is to use it: every statement it prepares ends the turn's transaction first. */
  endingBeforeEachStatement(statements: SqliteDatabase): SqliteDatabase {
    return {
      prepare: (sql) => {
        this.end();
        return statements.prepare(sql);
      },
      close: () => {
        this.end();
        return statements.close();
      },
    };
  }
}
