import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { useRedis } from '../../../src/testing/redis.ts';
import {
  distinctItems,
  hllEncoding,
  pfaddAll,
  REDIS_HLL_STANDARD_ERROR,
  relativeError,
} from './hyperLogLog.ts';

const db = useRedis('hll');
const { ns } = db;
// A seeded label: the run is reproducible, yet its items are not "1, 2, 3".
const label = `visitor-${Math.floor(seededRandom(101)() * 1e9)}`;

describe('HyperLogLog on Redis (real Redis)', () => {
  it('counts 200k distinct items within 3 standard errors (0.81 %) of the exact count, duplicates ignored', async () => {
    const key = `${ns}:200k`;
    await pfaddAll(db.redis, key, distinctItems(label, 0, 200_000));
    await pfaddAll(db.redis, key, distinctItems(label, 0, 50_000)); // the same visitors again
    const estimate = await db.redis.pfcount(key);
    expect(Math.abs(relativeError(estimate, 200_000))).toBeLessThan(3 * REDIS_HLL_STANDARD_ERROR);
  });

  it('PFMERGE of two overlapping sets estimates their union, and multi-key PFCOUNT agrees', async () => {
    // A = items 0 … 59,999, B = items 40,000 … 99,999: the union is exactly 100,000.
    await pfaddAll(db.redis, `${ns}:a`, distinctItems(label, 0, 60_000));
    await pfaddAll(db.redis, `${ns}:b`, distinctItems(label, 40_000, 60_000));
    await db.redis.pfmerge(`${ns}:union`, `${ns}:a`, `${ns}:b`);
    const union = await db.redis.pfcount(`${ns}:union`);
    expect(Math.abs(relativeError(union, 100_000))).toBeLessThan(3 * REDIS_HLL_STANDARD_ERROR);
    expect(await db.redis.pfcount(`${ns}:a`, `${ns}:b`)).toBe(union);
    // Not the sum: the overlap is counted once.
    expect(union).toBeLessThan(
      (await db.redis.pfcount(`${ns}:a`)) + (await db.redis.pfcount(`${ns}:b`)) - 15_000,
    );
  });

  it('PFADD returns 1 only when a register changed: never for a repeat, and not even for every NEW item', async () => {
    const key = `${ns}:replies`;
    await pfaddAll(db.redis, key, distinctItems(label, 0, 100_000));
    expect(await db.redis.pfadd(key, `${label}:5`)).toBe(0); // a repeat changes nothing

    let unchangedNewItems = 0;
    for (let i = 0; i < 300; i++) {
      const before = await db.redis.pfcount(key);
      const reply = await db.redis.pfadd(key, `${label}:new:${i}`);
      const after = await db.redis.pfcount(key);
      if (reply === 0) {
        unchangedNewItems++;
        expect(after).toBe(before); // 0 means the estimate cannot have moved
      }
    }
    // With ~100k items in 16,384 registers most new items hit a register that is already as high:
    // PFADD's reply is not a "was this item new?" test.
    expect(unchangedNewItems).toBeGreaterThan(150);
  });

  it('starts sparse (a few hundred bytes) and switches to the dense ~12 KB encoding as it grows', async () => {
    const key = `${ns}:encoding`;
    await pfaddAll(db.redis, key, distinctItems(label, 0, 100));
    expect(await hllEncoding(db.redis, key)).toBe('sparse');
    expect((await db.redis.memory('USAGE', key))!).toBeLessThan(1_000);

    await pfaddAll(db.redis, key, distinctItems(label, 100, 20_000));
    expect(await hllEncoding(db.redis, key)).toBe('dense');
    // 16,384 registers × 6 bits = 12,288 bytes, plus the header and Redis's own overhead.
    expect((await db.redis.memory('USAGE', key))!).toBeGreaterThanOrEqual(12_288);
  });
});
