import type { RateLimitDecision } from './SlidingWindowLimiter.ts';

/**
 * HTTP response headers for a decision.
 *
 * - `X-RateLimit-Limit`: units allowed per window for this key.
 * - `X-RateLimit-Remaining`: units left right now.
 * - `X-RateLimit-Reset`: **delta seconds** until the oldest counted request leaves the window, as
 *   the IETF RateLimit header draft defines its reset value (seconds from now, not a timestamp).
 *   GitHub's API sends an epoch timestamp under the same name; delta seconds need no agreement
 *   between the client's clock and ours, and match Retry-After.
 * - `Retry-After`: only on a denial; delay-seconds per RFC 9110 §10.2.3.
 *
 * Seconds are rounded UP: a client that waits the advertised time must not arrive a few
 * milliseconds early and be denied again.
 */
// #region headers
export function rateLimitHeaders(decision: RateLimitDecision): Record<string, string> {
  const headers: Record<string, string> = { 'X-RateLimit-Limit': String(decision.limit) };
  // A decision made without Redis knows nothing about the window: say only what is known.
  if (decision.degraded === undefined) {
    headers['X-RateLimit-Remaining'] = String(decision.remaining);
    headers['X-RateLimit-Reset'] = String(Math.ceil(decision.resetInMs / 1000));
  }
  if (!decision.allowed) {
    headers['Retry-After'] = String(Math.max(1, Math.ceil(decision.retryAfterMs / 1000)));
  }
  return headers;
}
// #endregion headers
