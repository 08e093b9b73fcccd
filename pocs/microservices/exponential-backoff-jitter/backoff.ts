/**
 * The four backoff strategies of the AWS Architecture Blog post "Exponential Backoff And Jitter"
 * (Marc Brooker, 2015), with the same names and formulas. `retry` is the 0-based index of the retry
 * (0 = the wait after the first failure), so the first un-jittered wait is `baseMs`.
 */
export type JitterStrategy = 'none' | 'full' | 'equal' | 'decorrelated';

export const JITTER_STRATEGIES: readonly JitterStrategy[] = ['none', 'full', 'equal', 'decorrelated'];

export interface BackoffOptions {
  /** First wait, and the floor of decorrelated jitter. */
  baseMs: number;
  /** No computed wait is ever longer than this. */
  capMs: number;
  jitter: JitterStrategy;
  /** A number in [0, 1); injectable so tests can pin the extremes. */
  random?: () => number;
}

/** One client's sequence of waits. Decorrelated jitter remembers the previous wait, so it is stateful. */
export interface Backoff {
  /** The wait before retry number `retry` (0-based). Call once per retry, in order. */
  next(retry: number): number;
}

const between = (random: () => number, low: number, high: number) => low + random() * (high - low);

// #region strategies
export function createBackoff(options: BackoffOptions): Backoff {
  const { baseMs: base, capMs: cap, jitter } = validate(options);
  const random = options.random ?? Math.random;
  // Capped exponential: the ceiling every strategy except decorrelated starts from.
  const expo = (retry: number) => Math.min(cap, base * 2 ** retry);
  switch (jitter) {
    case 'none': // sleep = min(cap, base * 2^attempt)
      return { next: expo };
    case 'full': // sleep = random_between(0, min(cap, base * 2^attempt))
      return { next: (retry) => between(random, 0, expo(retry)) };
    case 'equal': // temp = min(cap, base * 2^attempt); sleep = temp/2 + random_between(0, temp/2)
      return {
        next: (retry) => {
          const temp = expo(retry);
          return temp / 2 + between(random, 0, temp / 2);
        },
      };
    case 'decorrelated': {
      // sleep = min(cap, random_between(base, sleep * 3)), sleep starting at base. The next wait
      // depends on the previous one, not on the retry number: a random walk that drifts upwards.
      let sleep = base;
      return {
        next: () => {
          sleep = Math.min(cap, between(random, base, sleep * 3));
          return sleep;
        },
      };
    }
  }
}
// #endregion strategies

/** The interval every wait of a strategy must fall in, for retry `retry` (and the previous wait, if decorrelated). */
export function delayBounds(
  options: Omit<BackoffOptions, 'random'>,
  retry: number,
  previousMs = options.baseMs,
): { min: number; max: number } {
  const { baseMs: base, capMs: cap, jitter } = options;
  const expo = Math.min(cap, base * 2 ** retry);
  switch (jitter) {
    case 'none':
      return { min: expo, max: expo };
    case 'full':
      return { min: 0, max: expo };
    case 'equal':
      return { min: expo / 2, max: expo };
    case 'decorrelated':
      return { min: Math.min(cap, base), max: Math.min(cap, previousMs * 3) };
  }
}

function validate(options: BackoffOptions): BackoffOptions {
  const { baseMs, capMs, jitter } = options;
  if (!(Number.isFinite(baseMs) && baseMs >= 0))
    throw new RangeError(`baseMs must be a finite number >= 0 (got ${baseMs})`);
  if (!(Number.isFinite(capMs) && capMs >= baseMs))
    throw new RangeError(`capMs must be a finite number >= baseMs (got capMs ${capMs}, baseMs ${baseMs})`);
  if (!JITTER_STRATEGIES.includes(jitter))
    throw new RangeError(`jitter must be one of ${JITTER_STRATEGIES.join(', ')} (got "${jitter}")`);
  return options;
}
