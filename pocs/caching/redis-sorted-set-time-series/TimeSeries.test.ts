import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { addValueAsMember, type Point, TimeSeries } from './TimeSeries.ts';

/** Deterministic pseudo-random numbers, so a failure can be replayed. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s / 2_147_483_648;
  };
}

/** The reference: filter, then Redis's order (score, then member bytes). */
function reference(points: Point[], from: number, to: number, exFrom = false, exTo = false): Point[] {
  const member = (p: Point) => `${p.id}|${p.value}`;
  return points
    .filter((p) => (exFrom ? p.ts > from : p.ts >= from) && (exTo ? p.ts < to : p.ts <= to))
    .sort((a, b) => a.ts - b.ts || (member(a) < member(b) ? -1 : member(a) > member(b) ? 1 : 0));
}

describe('TimeSeries (real Redis)', () => {
  const db = useRedis('redis-sorted-set-time-series', { connections: 4 });
  const { ns } = db;
  const random = lcg(42);
  const T0 = Date.UTC(2025, 0, 1);
  // 2,000 readings over 10 minutes at whole seconds (many share a timestamp) with 20 distinct values.
  const points: Point[] = Array.from({ length: 2_000 }, (_, i) => ({
    ts: T0 + Math.floor(random() * 600) * 1_000,
    value: Math.floor(random() * 20) / 2,
    id: `r${i}`,
  }));

  // #region window-test
  it('written concurrently from 4 connections, every point is kept, and 60 windows equal a JS reference', async () => {
    const series = db.clients.map((c) => new TimeSeries(c, `${ns}:ts`));
    await Promise.all(points.map((p, i) => series[i % 4]!.add(p)));
    expect(await series[0]!.count()).toBe(points.length); // equal timestamps and values, nothing collapsed

    for (let w = 0; w < 60; w++) {
      const a = T0 + Math.floor(random() * 600) * 1_000; // on a whole second: bounds hit real points
      const b = a + Math.floor(random() * 120) * 1_000;
      const exFrom = w % 3 === 1;
      const exTo = w % 3 === 2;
      const got = await series[0]!.range(a, b, { exclusiveFrom: exFrom, exclusiveTo: exTo });
      expect(got).toEqual(reference(points, a, b, exFrom, exTo));
    }
    const limited = await series[0]!.range(T0, T0 + 600_000, { limit: 5 });
    expect(limited).toEqual(reference(points, T0, T0 + 600_000).slice(0, 5));
  });
  // #endregion window-test

  // #region retention-test
  it('retention removes exactly the points older than the cutoff and keeps the one at it', async () => {
    const series = new TimeSeries(db.redis, `${ns}:ret`);
    await series.add(...points);
    const cutoff = T0 + 300_000;
    const older = points.filter((p) => p.ts < cutoff).length;
    expect(points.some((p) => p.ts === cutoff)).toBe(true);

    expect(await series.dropBefore(cutoff)).toBe(older);
    expect(await series.count()).toBe(points.length - older);
    expect(await series.range(T0, T0 + 600_000)).toEqual(reference(points, cutoff, T0 + 600_000));
  });
  // #endregion retention-test

  it('the value as member loses readings: equal values collapse into one member', async () => {
    const key = `${ns}:naive`;
    for (const p of points) await addValueAsMember(db.redis, key, p.ts, p.value);
    expect(await db.redis.zcard(key)).toBe(new Set(points.map((p) => p.value)).size); // 20, not 2,000
  });

  it('rejects timestamps that are not integer milliseconds and ids that would break the encoding', async () => {
    const series = new TimeSeries(db.redis, `${ns}:bad`);
    await expect(series.add({ ts: 1.5, value: 1 })).rejects.toThrow(/integer/);
    await expect(series.add({ ts: 1, value: 1, id: 'a|b' })).rejects.toThrow(/may not contain/);
  });
});
