import type { CredentialNotices, EndedCredentials } from '../../db/credential-notices.js';

export interface CredentialCacheOptions {
  /** An entry read longer ago than this is read again. */
  readonly maxAgeMs: number;
  /** Entries kept at most; the oldest go first. */
  readonly capacity?: number;
}

interface Entry<T> {
  readonly value: T;
  readonly readAt: number;
}

/**
 * Sessions or API tokens, by the hash of their key, as read from the database, so that a request made
 * with one does not read it again: kept only while the database's notices of ended credentials are heard
 * (see CredentialNotices), and dropped when one names it, names its user, or says that anything may have
 * ended. Without notices (SQLite, whose reads cost less than keeping them would) it keeps nothing.
 *
 * A read that began before a notice arrived may have found what the notice ends: `keep` takes the
 * generation that `generation` answered before the read, and keeps nothing if a notice came since.
 */
export class CredentialCache<T extends { readonly user: { readonly id: number } }> {
  readonly #entries = new Map<string, Entry<T>>();
  readonly #notices: CredentialNotices | null;
  readonly #maxAgeMs: number;
  readonly #capacity: number;
  #generation = 0;

  constructor(notices: CredentialNotices | null, options: CredentialCacheOptions) {
    this.#notices = notices;
    this.#maxAgeMs = options.maxAgeMs;
    this.#capacity = options.capacity ?? 10_000;
    notices?.onEnded((ended) => this.#forgetEnded(ended));
  }

  /** Changes whenever a notice arrives: what a read returns is kept only if it did not change meanwhile. */
  get generation(): number {
    return this.#generation;
  }

  /** The value read for `hash` at most `maxAgeMs` before `now`, while notices are heard. */
  get(hash: string, now: number): T | undefined {
    if (!this.#notices?.listening) return undefined;
    const entry = this.#entries.get(hash);
    if (entry === undefined) return undefined;
    if (now - entry.readAt < this.#maxAgeMs) return entry.value;
    this.#entries.delete(hash);
    return undefined;
  }

  /** Keeps what a read that began at `generation` found at `readAt`, unless a notice came since. */
  keep(generation: number, hash: string, value: T, readAt: number): void {
    if (generation !== this.#generation || !this.#notices?.listening) return;
    this.#entries.delete(hash);
    if (this.#entries.size >= this.#capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, { value, readAt });
  }

  /** Drops what this instance itself ended, before its notice comes back. */
  forget(hash: string): void {
    this.#entries.delete(hash);
  }

  #forgetEnded(ended: EndedCredentials): void {
    this.#generation += 1;
    if (ended === 'all') {
      this.#entries.clear();
      return;
    }
    for (const hash of ended.hashes) this.#entries.delete(hash);
    if (ended.userIds.length === 0) return;
    const users = new Set(ended.userIds);
    for (const [hash, entry] of this.#entries) if (users.has(entry.value.user.id)) this.#entries.delete(hash);
  }
}
