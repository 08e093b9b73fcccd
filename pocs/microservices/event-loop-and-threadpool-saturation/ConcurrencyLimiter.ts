/**
 * Bounds how many calls of one kind run at once (a semaphore). Used here to keep async `crypto.pbkdf2`
 * from taking every libuv thread: with 4 threads and a limit of 2, `fs` and `dns.lookup` always find
 * a free thread, and the excess hashing waits in this queue, where it is visible and cheap.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  readonly limit: number;

  constructor(limit: number) {
    this.limit = limit;
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`ConcurrencyLimiter limit must be a positive integer, got ${limit}`);
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  // #region limit
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
  // #endregion limit
}
