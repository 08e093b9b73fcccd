import type { Redis } from 'ioredis';
import type pg from 'pg';
import { LatencyRecorder, type LatencySummary } from '../../../src/lab/index.ts';

// The same deterministic scores on both sides, so both answer the same question over the same data.
const scoreOf = (i: number) => (i * 7_919) % 1_000_003;

/** Loads N members into a sorted set with pipelined ZADDs of 5,000 members each. */
export async function loadRedis(
  redis: Redis,
  key: string,
  members: number,
  signal?: AbortSignal,
): Promise<void> {
  for (let start = 1; start <= members; start += 5_000) {
    signal?.throwIfAborted();
    const args: (string | number)[] = [];
    for (let i = start; i < Math.min(start + 5_000, members + 1); i++) args.push(scoreOf(i), `player:${i}`);
    await redis.zadd(key, ...args);
  }
}

// #region sql-side
/** The relational baseline: a table with an index on score, ranks by COUNT(*) of better scores. */
export async function loadPostgres(pool: pg.Pool, members: number): Promise<void> {
  await pool.query('CREATE TABLE leaderboard (member text PRIMARY KEY, score bigint NOT NULL)');
  await pool.query(
    `INSERT INTO leaderboard SELECT 'player:' || i, (i::bigint * 7919) % 1000003 FROM generate_series(1, $1) AS i`,
    [members],
  );
  await pool.query('CREATE INDEX leaderboard_score ON leaderboard (score DESC)');
  await pool.query('VACUUM ANALYZE leaderboard'); // visibility map, so COUNT(*) can be an index-only scan
}

export const SQL = {
  increment: 'UPDATE leaderboard SET score = score + $2 WHERE member = $1',
  rank: 'SELECT count(*) + 1 AS rank FROM leaderboard WHERE score > (SELECT score FROM leaderboard WHERE member = $1)',
  top10: 'SELECT member, score FROM leaderboard ORDER BY score DESC LIMIT 10',
};
// #endregion sql-side

export interface OpLatency {
  operation: string;
  redis: LatencySummary;
  postgres: LatencySummary;
}

/** Times each operation on both sides for `ops` random members, alternating Redis and PostgreSQL. */
export async function benchmarkRanks(
  redis: Redis,
  key: string,
  pool: pg.Pool,
  members: number,
  ops: number,
  signal?: AbortSignal,
): Promise<OpLatency[]> {
  const member = () => `player:${1 + Math.floor(Math.random() * members)}`;
  const cases: [string, (m: string) => Promise<unknown>, (m: string) => Promise<unknown>][] = [
    [
      'increment (ZINCRBY vs UPDATE)',
      (m) => redis.zincrby(key, 1, m),
      (m) => pool.query(SQL.increment, [m, 1]),
    ],
    [
      'rank of a random member (ZREVRANK vs COUNT(*))',
      (m) => redis.zrevrank(key, m),
      (m) => pool.query(SQL.rank, [m]),
    ],
    [
      'top 10 (ZRANGE REV vs ORDER BY LIMIT)',
      () => redis.call('ZRANGE', key, 0, 9, 'REV', 'WITHSCORES'),
      () => pool.query(SQL.top10),
    ],
  ];
  const results: OpLatency[] = [];
  for (const [operation, onRedis, onPostgres] of cases) {
    const r = new LatencyRecorder();
    const p = new LatencyRecorder();
    for (let i = 0; i < ops; i++) {
      signal?.throwIfAborted();
      const m = member();
      await r.time(() => onRedis(m));
      await p.time(() => onPostgres(m));
    }
    results.push({ operation, redis: r.summary(), postgres: p.summary() });
  }
  return results;
}
