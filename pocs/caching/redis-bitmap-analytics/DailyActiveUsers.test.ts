import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { exactCounts, generatePopulation } from './activityPopulation.ts';
import { DailyActiveUsers } from './DailyActiveUsers.ts';
import { measureSparseIds } from './sparseIds.ts';

const db = useRedis('bitmap-analytics');
const { ns } = db;

describe('DailyActiveUsers (real Redis)', () => {
  it('BITCOUNT, BITOP AND and BITOP OR equal exact JS counts for a seeded 100k population', async () => {
    const days = ['d0', 'd1', 'd2', 'd3'];
    const { activeByDay } = generatePopulation({ users: 100_000, days: days.length, seed: 42 });
    const exact = exactCounts(activeByDay);
    const dau = new DailyActiveUsers({ redis: db.redis, keyPrefix: `${ns}:dau:` });
    for (const [i, day] of days.entries()) await dau.recordActive(day, activeByDay[i]!);

    expect(await Promise.all(days.map((d) => dau.countDay(d)))).toEqual(exact.perDay);
    expect(await dau.countEvery(['d0', 'd1'])).toBe(exact.retainedDay1);
    expect(await dau.countEvery(days)).toBe(exact.everyDay);
    expect(await dau.countAny(days)).toBe(exact.anyDay);
    // The population is not trivial: the three answers really differ.
    expect(exact.everyDay).toBeLessThan(exact.perDay[0]!);
    expect(exact.anyDay).toBeGreaterThan(exact.perDay[0]!);
    // BITOP's scratch keys are gone.
    expect(await db.redis.keys(`${ns}:dau:tmp:*`)).toEqual([]);
  });

  it('markActive reports the first visit of the day once, however often the user comes back', async () => {
    const dau = new DailyActiveUsers({ redis: db.redis, keyPrefix: `${ns}:visits:` });
    const firsts = [];
    for (let i = 0; i < 5; i++) firsts.push((await dau.markActive('today', 1234)).firstToday);
    expect(firsts).toEqual([true, false, false, false, false]);
    expect(await dau.isActive('today', 1234)).toBe(true);
    expect(await dau.isActive('today', 1235)).toBe(false);
    expect(await dau.countDay('today')).toBe(1);
  });

  it('refuses ids that cannot be bitmap offsets, and says what to do', async () => {
    const dau = new DailyActiveUsers({ redis: db.redis, keyPrefix: `${ns}:bad:` });
    await expect(dau.markActive('d', -1)).rejects.toThrow(/map sparse or string ids/);
    await expect(dau.markActive('d', 2 ** 32)).rejects.toThrow(RangeError);
    await expect(dau.markActive('d', 1.5)).rejects.toThrow(RangeError);
  });

  it('a bitmap is sized by its highest id: 1,000 scattered users cost far more than 1,000 dense ones', async () => {
    const dense = await measureSparseIds(db.redis, `${ns}:dense:`, 1_000, 999);
    const sparse = await measureSparseIds(db.redis, `${ns}:sparse:`, 1_000, 8_000_000);
    // 1,000 bits ≈ 125 bytes of payload; 8,000,000 bits = 1,000,000 bytes of payload.
    expect(dense.bitmapBytes).toBeLessThan(1_000);
    expect(sparse.bitmapBytes).toBeGreaterThanOrEqual(1_000_000);
    // The SET does not care how the ids are spread.
    expect(sparse.bitmapBytes).toBeGreaterThan(sparse.setBytes * 5);
  });
});
