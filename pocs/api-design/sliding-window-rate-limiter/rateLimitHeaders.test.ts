import { describe, expect, it } from 'vitest';
import { rateLimitHeaders } from './rateLimitHeaders.ts';
import type { RateLimitDecision } from './SlidingWindowLimiter.ts';

const base: RateLimitDecision = {
  key: 'k',
  allowed: true,
  limit: 10,
  remaining: 4,
  resetAtMs: 1_000_000 + 2_500,
  resetInMs: 2_500,
  retryAfterMs: 0,
  serverTimeMs: 1_000_000,
};

describe('rateLimitHeaders', () => {
  it('reports limit, remaining and reset as delta seconds rounded up, and no Retry-After when allowed', () => {
    expect(rateLimitHeaders(base)).toEqual({
      'X-RateLimit-Limit': '10',
      'X-RateLimit-Remaining': '4',
      'X-RateLimit-Reset': '3',
    });
  });

  it('adds Retry-After in whole seconds, never 0, only when denied', () => {
    const denied = { ...base, allowed: false, remaining: 0, retryAfterMs: 1 };
    expect(rateLimitHeaders(denied)['Retry-After']).toBe('1');
    expect(rateLimitHeaders({ ...denied, retryAfterMs: 1_001 })['Retry-After']).toBe('2');
    // A denial never says "retry in 0 s" (e.g. a server clock stepped back): that invites a hot loop.
    expect(rateLimitHeaders({ ...denied, retryAfterMs: 0 })['Retry-After']).toBe('1');
  });

  it('says only what it knows when Redis was not asked', () => {
    const open = { ...base, degraded: 'fail-open' as const, remaining: 0, resetInMs: 0 };
    expect(rateLimitHeaders(open)).toEqual({ 'X-RateLimit-Limit': '10' });
    const closed = { ...open, allowed: false, degraded: 'fail-closed' as const, retryAfterMs: 1_000 };
    expect(rateLimitHeaders(closed)).toEqual({ 'X-RateLimit-Limit': '10', 'Retry-After': '1' });
  });
});
