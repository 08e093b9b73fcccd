/**
 * Redis could not answer a rate-limit check in time (down, unreachable, overloaded or too slow).
 * Thrown only when `onRedisError` is `'throw'` (the default); the message says what to do.
 */
export class RateLimiterUnavailableError extends Error {
  override readonly name = 'RateLimiterUnavailableError';
  readonly key: string;

  constructor(key: string, reason: string, options?: { cause?: unknown }) {
    super(
      `rate limit check for "${key}" failed: ${reason}. ` +
        'Check that Redis is running and reachable (REDIS_URL), raise timeoutMs if Redis is merely slow, ' +
        "or pick onRedisError: 'fail-open' (let traffic through) or 'fail-closed' (reject it) " +
        'so requests are decided without Redis.',
      options,
    );
    this.key = key;
  }
}
