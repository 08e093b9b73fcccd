import { type BackoffOptions, createBackoff, type JitterStrategy } from './backoff.ts';
import { retryAfterFromError } from './retryAfter.ts';

export interface RetryOptions {
  /** Total calls including the first one. 1 means "never retry". */
  maxAttempts?: number;
  baseMs?: number;
  capMs?: number;
  jitter?: JitterStrategy;
  /** Stops retrying at once, also in the middle of a wait; `retry` rejects with `signal.reason`. */
  signal?: AbortSignal;
  /**
   * Whether an error is worth another attempt. Defaults to "yes". Say no to validation errors, 4xx
   * other than 408/429, and anything a retry cannot change; those are re-thrown untouched.
   */
  retryable?: (error: unknown, attempt: number) => boolean;
  /** Reads a server-requested wait from an error; defaults to `retryAfterMs` or a `Retry-After` header. */
  retryAfter?: (error: unknown) => number | undefined;
  /** Upper bound on a server-requested wait: a hostile or buggy `Retry-After: 86400` cannot park you for a day. */
  maxRetryAfterMs?: number;
  /** Called before each wait: log it, count it, export it as a metric. */
  onRetry?: (event: RetryEvent) => void;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
  /** Injectable for tests: must reject with `signal.reason` when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  error: unknown;
  delayMs: number;
  /** `retry-after`: the server's wait won over the computed backoff. */
  source: 'backoff' | 'retry-after';
}

/** Every attempt failed with a retryable error. */
export class RetryExhaustedError extends Error {
  override readonly name = 'RetryExhaustedError';
  readonly attempts: number;
  /** The last attempt's error. */
  override readonly cause: unknown;
  /** Time spent waiting between attempts. */
  readonly waitedMs: number;
  constructor(attempts: number, cause: unknown, waitedMs: number) {
    super(
      `gave up after ${attempts} attempt${attempts === 1 ? '' : 's'} (${Math.round(waitedMs)} ms spent backing off); ` +
        `last error: ${cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause)}. ` +
        'Raise maxAttempts only if the dependency recovers within that time; otherwise fail fast or fall back.',
      { cause },
    );
    this.attempts = attempts;
    this.cause = cause;
    this.waitedMs = waitedMs;
  }
}

export const RETRY_DEFAULTS = {
  maxAttempts: 5,
  baseMs: 100,
  capMs: 10_000,
  jitter: 'full' as JitterStrategy,
  maxRetryAfterMs: 60_000,
};

/** A timer that an AbortSignal can cut short; it rejects with the signal's reason and clears itself. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// #region retry
/**
 * Calls `fn` until it succeeds, an error is not retryable, `maxAttempts` is reached, or `signal` aborts.
 * Between attempts it waits the backoff's delay, or what the server asked for (Retry-After) when it did.
 */
export async function retry<T>(
  fn: (context: { attempt: number; signal?: AbortSignal }) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const o = { ...RETRY_DEFAULTS, ...options };
  if (!(Number.isInteger(o.maxAttempts) && o.maxAttempts >= 1))
    throw new RangeError(`maxAttempts must be an integer >= 1 (got ${o.maxAttempts})`);
  const backoffOptions: BackoffOptions = { baseMs: o.baseMs, capMs: o.capMs, jitter: o.jitter };
  if (o.random) backoffOptions.random = o.random;
  const backoff = createBackoff(backoffOptions); // one per call: decorrelated jitter keeps state
  const sleep = o.sleep ?? abortableSleep;
  const serverWait = o.retryAfter ?? ((e: unknown) => retryAfterFromError(e));
  let waitedMs = 0;

  for (let attempt = 1; ; attempt++) {
    o.signal?.throwIfAborted(); // a caller who gave up gets no more calls
    try {
      return await fn(o.signal ? { attempt, signal: o.signal } : { attempt });
    } catch (error) {
      if (o.signal?.aborted) throw o.signal.reason; // the failure is the abort, not the dependency
      if (o.retryable && !o.retryable(error, attempt)) throw error;
      if (attempt >= o.maxAttempts) throw new RetryExhaustedError(attempt, error, waitedMs);
      // The computed delay is still drawn, so decorrelated jitter's walk stays the same either way.
      const computed = backoff.next(attempt - 1);
      const requested = serverWait(error);
      const delayMs = requested === undefined ? computed : Math.min(requested, o.maxRetryAfterMs);
      o.onRetry?.({ attempt, error, delayMs, source: requested === undefined ? 'backoff' : 'retry-after' });
      await sleep(delayMs, o.signal);
      waitedMs += delayMs;
    }
  }
}
// #endregion retry
