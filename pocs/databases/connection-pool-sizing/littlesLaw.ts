/**
 * Little's law: in a stable system, the average number of items inside (L) equals the arrival rate (λ)
 * times the average time each item spends inside (W). For a connection pool the "items" are queries
 * holding a connection, so L is how many connections are busy on average.
 * https://en.wikipedia.org/wiki/Little%27s_law
 */

export interface PoolSizeInput {
  /** Queries per second the pool must sustain (λ), e.g. your peak rate. */
  throughputPerSec: number;
  /**
   * Mean time one query holds a connection, in ms (W), measured when the database is NOT overloaded.
   * Measured at saturation it already includes queueing inside the database, and the law then only
   * gives back the pool size you measured it with.
   */
  meanQueryMs: number;
  /** Multiplier >= 1 for bursts: the law is about averages, arrivals are not. Default 1.2. */
  headroom?: number;
}

/** L = λ × W: connections busy on average at this rate and service time. */
export function connectionsInUse(throughputPerSec: number, meanQueryMs: number): number {
  if (!Number.isFinite(throughputPerSec) || throughputPerSec < 0) {
    throw new RangeError(`throughputPerSec must be a finite number >= 0, got ${throughputPerSec}`);
  }
  if (!Number.isFinite(meanQueryMs) || meanQueryMs <= 0) {
    throw new RangeError(`meanQueryMs must be a finite number > 0, got ${meanQueryMs}`);
  }
  // Divide last: 100 * 70 / 1000 is exactly 7, while 100 * 0.07 is 7.000000000000001.
  return (throughputPerSec * meanQueryMs) / 1000;
}

// #region little
/** ceil(λ × W × headroom), at least 1. A starting point to verify by measurement, not a verdict. */
export function recommendedPoolSize({
  throughputPerSec,
  meanQueryMs,
  headroom = 1.2,
}: PoolSizeInput): number {
  if (!Number.isFinite(headroom) || headroom < 1) {
    throw new RangeError(`headroom must be a finite number >= 1 (1 = no headroom), got ${headroom}`);
  }
  const busy = connectionsInUse(throughputPerSec, meanQueryMs) * headroom;
  // The epsilon absorbs float noise so that exactly 5 connections does not round up to 6.
  return Math.max(1, Math.ceil(busy - 1e-9));
}
// #endregion little
