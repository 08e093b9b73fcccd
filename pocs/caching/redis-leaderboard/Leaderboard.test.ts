import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { Leaderboard, TieBreakLeaderboard } from './Leaderboard.ts';

/** The reference: sort by points descending, equal points by member descending (what Redis documents for REV). */
function referenceOrder(points: Map<string, number>): string[] {
  return [...points.entries()]
    .sort(([ma, pa], [mb, pb]) => pb - pa || (mb < ma ? -1 : mb > ma ? 1 : 0))
    .map(([m]) => m);
}

describe('Leaderboard (real Redis)', () => {
  const db = useRedis('redis-leaderboard', { connections: 4 });
  const { ns } = db;

  // #region reference-test
  it('after 2,000 concurrent ZINCRBYs from 4 connections, every rank, the top 10 and "around me" equal a JS reference', async () => {
    const key = `${ns}:plain`;
    const boards = db.clients.map((c) => new Leaderboard(c, key));
    const expected = new Map<string, number>();
    // Small deltas over 300 players: plenty of ties, so the tie order is tested too.
    const events = Array.from({ length: 2_000 }, (_, i) => ({
      member: `p${(i * 7) % 300}`,
      delta: 1 + ((i * 13) % 5),
    }));
    for (const e of events) expected.set(e.member, (expected.get(e.member) ?? 0) + e.delta);
    await Promise.all(events.map((e, i) => boards[i % 4]!.addPoints(e.member, e.delta)));

    const order = referenceOrder(expected);
    const board = boards[0]!;
    const ranks = await Promise.all(order.map((m) => board.rank(m)));
    expect(ranks).toEqual(order.map((_, i) => i + 1));
    expect(await board.top(10)).toEqual(
      order.slice(0, 10).map((m, i) => ({ member: m, points: expected.get(m), rank: i + 1 })),
    );
    const me = order[150]!;
    expect((await board.around(me, 2)).map((e) => e.member)).toEqual(order.slice(148, 153));
    expect((await board.around(order[0]!, 2)).map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(await board.rank('nobody')).toBeNull();
  });
  // #endregion reference-test

  it('plain sorted set: equal scores rank by member name (REV: later in the alphabet first), not by who scored first', async () => {
    const board = new Leaderboard(db.redis, `${ns}:ties`);
    await board.addPoints('zoe', 100); // first to 100
    await board.addPoints('adam', 100);
    await board.addPoints('mia', 100); // last to 100
    expect((await board.top(3)).map((e) => e.member)).toEqual(['zoe', 'mia', 'adam']);
  });

  // #region tie-test
  it('composite score: equal points rank by who reached them first, deterministically', async () => {
    const season = Date.UTC(2025, 0, 1);
    const board = new TieBreakLeaderboard(db.redis, `${ns}:tb`, season);
    await board.addPoints('mia', 60, season + 1_000);
    await board.addPoints('zoe', 100, season + 2_000); // zoe reaches 100 first
    await board.addPoints('adam', 100, season + 3_000);
    await board.addPoints('mia', 40, season + 4_000); // mia reaches 100 last
    await board.addPoints('bob', 101, season + 9_000); // more points beat an earlier time

    expect(await board.top(4)).toEqual([
      { member: 'bob', points: 101, rank: 1 },
      { member: 'zoe', points: 100, rank: 2 },
      { member: 'adam', points: 100, rank: 3 },
      { member: 'mia', points: 100, rank: 4 },
    ]);
    expect(await board.rank('mia')).toBe(4);
  });
  // #endregion tie-test

  it('composite score under concurrency: 4 connections × 250 additions keep exact points', async () => {
    const season = Date.now() - 60_000;
    const boards = db.clients.map((c) => new TieBreakLeaderboard(c, `${ns}:tbc`, season));
    await Promise.all(
      boards.map(async (b) => {
        for (let i = 0; i < 250; i++) await b.addPoints(`p${i % 10}`, 3);
      }),
    );
    const top = await boards[0]!.top(10);
    expect(top.map((e) => e.points)).toEqual(Array(10).fill(300));
    expect(await db.redis.hget(`${ns}:tbc:points`, 'p0')).toBe('300');
  });

  it('rejects what the composite score cannot represent', async () => {
    const board = new TieBreakLeaderboard(db.redis, `${ns}:bad`, Date.UTC(2025, 0, 1));
    await expect(board.addPoints('x', 1.5)).rejects.toThrow(/whole numbers/);
    await expect(board.addPoints('x', 1, Date.UTC(2024, 0, 1))).rejects.toThrow(/outside the season/);
    await expect(board.addPoints('x', 1_000_000, Date.UTC(2025, 0, 2))).rejects.toThrow(/out of range/);
    expect(await db.redis.hget(`${ns}:bad:points`, 'x')).toBeNull(); // nothing half-written
  });
});
