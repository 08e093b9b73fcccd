export interface RollingWindowOptions {
  /** How far back outcomes count, in ms. */
  windowMs: number;
  /** Slices the window is cut into. More buckets = smoother expiry, slightly more work per read. */
  buckets: number;
  /** Clock in ms. Injectable so tests can drive it with fake timers. */
  now: () => number;
}

export interface WindowTotals {
  successes: number;
  failures: number;
  total: number;
  /** failures / total, 0 when the window is empty. */
  failureRate: number;
}

// #region rolling-window
/**
 * Success/failure counts over the last `windowMs`, kept in a ring of time buckets (the shape Hystrix,
 * opossum and resilience4j's time-based window use). Each bucket covers `windowMs / buckets` ms and is
 * stamped with the number of that slice since the epoch. A bucket whose stamp is too old is stale:
 * it is ignored when reading and zeroed when the ring wraps round to it again. So old outcomes
 * "roll out" by themselves, without timers, and memory stays constant however many calls are made.
 *
 * Granularity: outcomes expire one whole bucket at a time, so the effective window is between
 * `windowMs - bucketMs` and `windowMs` long.
 */
export class RollingWindow {
  private readonly bucketMs: number;
  private readonly now: () => number;
  private readonly slice: Float64Array;
  private readonly successes: Uint32Array;
  private readonly failures: Uint32Array;

  constructor(options: RollingWindowOptions) {
    const { windowMs, buckets } = options;
    if (!Number.isInteger(buckets) || buckets < 1) {
      throw new RangeError(`RollingWindow buckets must be a positive integer, got ${buckets}`);
    }
    if (!(windowMs >= buckets)) {
      throw new RangeError(
        `RollingWindow windowMs (${windowMs}) must be at least one ms per bucket (${buckets})`,
      );
    }
    this.bucketMs = windowMs / buckets;
    this.now = options.now;
    this.slice = new Float64Array(buckets).fill(Number.NEGATIVE_INFINITY);
    this.successes = new Uint32Array(buckets);
    this.failures = new Uint32Array(buckets);
  }

  /** Count one outcome. `at` lets a caller that already read the clock skip a second read. */
  record(success: boolean, at = this.now()): void {
    const slice = Math.floor(at / this.bucketMs);
    const i = slice % this.slice.length;
    if (this.slice[i] !== slice) {
      // The ring has come round: whatever this bucket held is older than the window.
      this.slice[i] = slice;
      this.successes[i] = 0;
      this.failures[i] = 0;
    }
    if (success) this.successes[i]!++;
    else this.failures[i]!++;
  }

  totals(): WindowTotals {
    const current = Math.floor(this.now() / this.bucketMs);
    const oldest = current - this.slice.length + 1;
    let successes = 0;
    let failures = 0;
    for (let i = 0; i < this.slice.length; i++) {
      const s = this.slice[i]!;
      if (s >= oldest && s <= current) {
        successes += this.successes[i]!;
        failures += this.failures[i]!;
      }
    }
    const total = successes + failures;
    return { successes, failures, total, failureRate: total === 0 ? 0 : failures / total };
  }

  /** Forget everything, e.g. when the breaker closes again after a successful probe. */
  reset(): void {
    this.slice.fill(Number.NEGATIVE_INFINITY);
    this.successes.fill(0);
    this.failures.fill(0);
  }
}
// #endregion rolling-window
