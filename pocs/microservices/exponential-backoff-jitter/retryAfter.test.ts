import { describe, expect, it } from 'vitest';
import { parseRetryAfter, retryAfterFromError } from './retryAfter.ts';

const NOW = Date.parse('2025-01-01T00:00:00Z');

describe('Retry-After', () => {
  it('reads delay-seconds and HTTP dates', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', NOW)).toBe(0); // in the past: now
  });

  it('ignores what it cannot read, so the computed backoff applies', () => {
    for (const bad of [undefined, null, '', 'soon', '-5', '1.5'])
      expect(parseRetryAfter(bad, NOW)).toBeUndefined();
  });

  it('finds the wait on an error: retryAfterMs, fetch Headers, node:http headers', () => {
    expect(retryAfterFromError({ retryAfterMs: 250 })).toBe(250);
    expect(retryAfterFromError({ response: { headers: new Headers({ 'Retry-After': '2' }) } })).toBe(2000);
    expect(retryAfterFromError({ headers: { 'retry-after': '3' } })).toBe(3000);
    expect(retryAfterFromError(new Error('plain'))).toBeUndefined();
    expect(retryAfterFromError('a string')).toBeUndefined();
  });
});
