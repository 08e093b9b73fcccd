import { describe, expect, it } from 'vitest';
import { connectionsInUse, recommendedPoolSize } from './littlesLaw.ts';

describe("Little's law pool sizing", () => {
  it('L = λ × W: 200 queries/s each holding a connection 25 ms keep 5 connections busy', () => {
    expect(connectionsInUse(200, 25)).toBe(5);
  });

  it('rounds up and applies headroom', () => {
    expect(recommendedPoolSize({ throughputPerSec: 200, meanQueryMs: 25, headroom: 1 })).toBe(5);
    expect(recommendedPoolSize({ throughputPerSec: 200, meanQueryMs: 25, headroom: 1.2 })).toBe(6);
    expect(recommendedPoolSize({ throughputPerSec: 210, meanQueryMs: 25, headroom: 1 })).toBe(6); // 5.25 -> 6
  });

  it('defaults to 20% headroom', () => {
    expect(recommendedPoolSize({ throughputPerSec: 1000, meanQueryMs: 10 })).toBe(12);
  });

  it('is not thrown off by floating-point noise (100 × 0.07 s is 7, not 8)', () => {
    expect(recommendedPoolSize({ throughputPerSec: 100, meanQueryMs: 70, headroom: 1 })).toBe(7);
  });

  it('never recommends fewer than one connection', () => {
    expect(recommendedPoolSize({ throughputPerSec: 0, meanQueryMs: 5 })).toBe(1);
    expect(recommendedPoolSize({ throughputPerSec: 1, meanQueryMs: 1 })).toBe(1);
  });

  it('rejects inputs that make no sense, with a message saying which', () => {
    expect(() => recommendedPoolSize({ throughputPerSec: -1, meanQueryMs: 5 })).toThrow(/throughputPerSec/);
    expect(() => recommendedPoolSize({ throughputPerSec: 10, meanQueryMs: 0 })).toThrow(/meanQueryMs/);
    expect(() => recommendedPoolSize({ throughputPerSec: 10, meanQueryMs: Number.NaN })).toThrow(
      /meanQueryMs/,
    );
    expect(() => recommendedPoolSize({ throughputPerSec: 10, meanQueryMs: 5, headroom: 0.5 })).toThrow(
      /headroom/,
    );
  });
});
