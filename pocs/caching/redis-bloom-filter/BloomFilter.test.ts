import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { BloomFilter } from './BloomFilter.ts';
import { predictedFalsePositiveRate, sizeFor } from './bloomMath.ts';
import { bloomPositions } from './bloomPositions.ts';

const db = useRedis('bloom');
const { ns } = db;

const members = (label: string, count: number) => Array.from({ length: count }, (_, i) => `${label}:${i}`);

describe('bloom math', () => {
  it('sizes m and k with the standard formulas', () => {
    // n = 1,000, p = 1 %: m = ceil(1000 · ln 100 / ln²2) = 9,586 bits, k = round(9.586 · ln 2) = 7.
    expect(sizeFor(1_000, 0.01)).toEqual({ m: 9_586, k: 7 });
    expect(predictedFalsePositiveRate({ m: 9_586, k: 7 }, 1_000)).toBeCloseTo(0.01, 3);
    expect(() => sizeFor(1_000, 1.5)).toThrow(RangeError);
  });

  it('derives k distinct in-range positions per member, the same every time', () => {
    const a = bloomPositions('user:42', 9_586, 7);
    expect(a).toEqual(bloomPositions('user:42', 9_586, 7));
    expect(new Set(a).size).toBe(7);
    for (const p of a) {
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(9_586);
    }
    expect(bloomPositions('user:43', 9_586, 7)).not.toEqual(a);
  });
});

describe('BloomFilter on a Redis bitmap (real Redis)', () => {
  it('never gives a false negative, and its measured false-positive rate matches the formula', async () => {
    const n = 20_000;
    const filter = new BloomFilter({
      redis: db.redis,
      key: `${ns}:fp`,
      expectedMembers: n,
      falsePositiveRate: 0.01,
    });
    const added = members('member', n);
    await filter.add(added);

    const found = await filter.mightContain(added);
    expect(found.filter((f) => !f)).toHaveLength(0); // no false negatives, ever

    const probes = members('stranger', 50_000);
    const falsePositives = (await filter.mightContain(probes)).filter(Boolean).length;
    const measured = falsePositives / probes.length;
    const predicted = predictedFalsePositiveRate(filter.size, n);
    // ≈ 500 expected hits: a binomial standard deviation of ≈ 22, so ±25 % is > 5 sigma.
    expect(measured).toBeGreaterThan(predicted * 0.75);
    expect(measured).toBeLessThan(predicted * 1.25);
  });

  it('reports a member as new exactly once, and the script and the pipelined GETBITs agree', async () => {
    const filter = new BloomFilter({
      redis: db.redis,
      key: `${ns}:new`,
      expectedMembers: 1_000,
      falsePositiveRate: 0.001,
    });
    const batch = members('x', 200);
    expect((await filter.add(batch)).every(Boolean)).toBe(true);
    expect((await filter.add(batch)).some(Boolean)).toBe(false);
    const probes = [...batch, ...members('y', 300)];
    expect(await filter.mightContainPipelined(probes)).toEqual(await filter.mightContain(probes));
  });

  it('overfilled to 2× n, the false-positive rate climbs far above the target', async () => {
    const n = 5_000;
    const filter = new BloomFilter({
      redis: db.redis,
      key: `${ns}:over`,
      expectedMembers: n,
      falsePositiveRate: 0.01,
    });
    await filter.add(members('member', 2 * n));
    const probes = members('stranger', 20_000);
    const measured = (await filter.mightContain(probes)).filter(Boolean).length / probes.length;
    // The formula says ≈ 16 % at 2n for this m and k; 5 % is a safe floor that 1 % never reaches.
    expect(predictedFalsePositiveRate(filter.size, 2 * n)).toBeGreaterThan(0.1);
    expect(measured).toBeGreaterThan(0.05);
  });

  it('reserve() allocates m bits at once: MEMORY USAGE ≈ m/8 bytes', async () => {
    const filter = new BloomFilter({
      redis: db.redis,
      key: `${ns}:mem`,
      expectedMembers: 100_000,
      falsePositiveRate: 0.01,
    });
    await filter.reserve();
    const bytes = (await db.redis.memory('USAGE', filter.key)) ?? 0;
    expect(bytes).toBeGreaterThanOrEqual(filter.size.m / 8);
    // jemalloc rounds large allocations up to its next size class (at most a quarter more).
    expect(bytes).toBeLessThan((filter.size.m / 8) * 1.25 + 1_024);
  });
});
