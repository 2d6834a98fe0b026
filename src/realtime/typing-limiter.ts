/**
 * A token bucket per user for typing signals: a burst of `capacity`, then `perSecond`. A client
 * showing "typing…" sends one every few seconds; a flood is refused without reaching the bus.
 */
export class TypingLimiter {
  private tokens: number;
  private updatedAt: number;

  constructor(private readonly capacity = 10, private readonly perSecond = 1, private readonly now = Date.now) {
    this.tokens = capacity;
    this.updatedAt = now();
  }

  allow(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.perSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
