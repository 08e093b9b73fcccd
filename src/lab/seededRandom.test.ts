import { describe, expect, it } from 'vitest';
import { seededRandom } from './seededRandom.ts';

describe('seededRandom (mulberry32)', () => {
  it('repeats its sequence for a seed, differs across seeds, and stays in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1_000 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(7).every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('is the reference mulberry32: the sequences recorded in results/ replay unchanged', () => {
    // The widely published form (signed int32 state); the lab's copies were folded into this module.
    const reference = (seed: number) => {
      let a = seed;
      return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    };
    for (const seed of [1, 42, 2 ** 31 + 5]) {
      const ours = seededRandom(seed);
      const theirs = reference(seed);
      for (let i = 0; i < 1_000; i++) expect(ours()).toBe(theirs());
    }
  });
});
