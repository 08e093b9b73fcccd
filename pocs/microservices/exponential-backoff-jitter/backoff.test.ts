import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { createBackoff, delayBounds, JITTER_STRATEGIES, type JitterStrategy } from './backoff.ts';

const BASE = 10;
const CAP = 1_000;
const DRAWS = 2_000; // clients
const RETRIES = 12; // enough to hit the cap (10 * 2^7 > 1000)

describe('backoff strategies (AWS "Exponential Backoff And Jitter")', () => {
  it.each(JITTER_STRATEGIES)('%s: every wait of every client stays within its bounds', (jitter) => {
    const random = seededRandom(42);
    const violations: string[] = [];
    let lowest = Number.POSITIVE_INFINITY;
    let highest = 0;
    for (let client = 0; client < DRAWS; client++) {
      const backoff = createBackoff({ baseMs: BASE, capMs: CAP, jitter, random });
      let previous = BASE;
      for (let retry = 0; retry < RETRIES; retry++) {
        const wait = backoff.next(retry);
        const { min, max } = delayBounds({ baseMs: BASE, capMs: CAP, jitter }, retry, previous);
        if (!(wait >= min && wait <= max && wait <= CAP))
          violations.push(`client ${client} retry ${retry}: ${wait} not in [${min}, ${max}]`);
        lowest = Math.min(lowest, wait);
        highest = Math.max(highest, wait);
        previous = wait;
      }
    }
    expect(violations.slice(0, 5)).toEqual([]);
    // The draws explored the range (the cap is reached by every strategy with this many retries).
    expect(highest).toBeGreaterThan(CAP * 0.95);
    expect(lowest).toBeLessThan(jitter === 'full' ? 1 : BASE * 1.01);
  });

  it('none is the plain capped exponential: base, 2 base, 4 base ... cap', () => {
    const backoff = createBackoff({ baseMs: BASE, capMs: CAP, jitter: 'none' });
    expect(Array.from({ length: 9 }, (_, r) => backoff.next(r))).toEqual([
      10, 20, 40, 80, 160, 320, 640, 1000, 1000,
    ]);
  });

  it('the random extremes land exactly on the formulas', () => {
    const at = (jitter: JitterStrategy, r: number) =>
      createBackoff({ baseMs: BASE, capMs: CAP, jitter, random: () => r }).next(3); // expo = 80
    expect(at('full', 0)).toBe(0);
    expect(at('full', 0.5)).toBe(40);
    expect(at('equal', 0)).toBe(40);
    expect(at('equal', 0.5)).toBe(60);
    // decorrelated: random_between(base, previous * 3), previous starting at base
    expect(at('decorrelated', 0)).toBe(BASE);
    expect(at('decorrelated', 0.5)).toBe(20);
  });

  it('decorrelated walks: with random pinned high it triples up to the cap, then stays there', () => {
    const backoff = createBackoff({ baseMs: BASE, capMs: CAP, jitter: 'decorrelated', random: () => 1 });
    expect(Array.from({ length: 6 }, (_, r) => backoff.next(r))).toEqual([30, 90, 270, 810, 1000, 1000]);
  });

  it('jitter actually spreads clients: many distinct waits for the same retry', () => {
    for (const jitter of ['full', 'equal', 'decorrelated'] as const) {
      const waits = new Set(
        Array.from({ length: 200 }, () =>
          Math.round(createBackoff({ baseMs: BASE, capMs: CAP, jitter }).next(4)),
        ),
      );
      expect(waits.size, jitter).toBeGreaterThan(20);
    }
  });

  it('rejects impossible options with a message that says what is expected', () => {
    expect(() => createBackoff({ baseMs: 100, capMs: 10, jitter: 'full' })).toThrow(/capMs .* >= baseMs/);
    expect(() => createBackoff({ baseMs: -1, capMs: 10, jitter: 'full' })).toThrow(/baseMs/);
    expect(() => createBackoff({ baseMs: 1, capMs: 10, jitter: 'half' as JitterStrategy })).toThrow(
      /one of none, full, equal, decorrelated/,
    );
  });
});
