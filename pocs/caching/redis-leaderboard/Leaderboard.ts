import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export interface Entry {
  member: string;
  points: number;
  /** 1-based: 1 is the leader. */
  rank: number;
}

// #region leaderboard
/**
 * A leaderboard on one sorted set: ZINCRBY to score, ZRANGE ... REV for the top, ZREVRANK for a
 * member's rank, both O(log N). Equal scores are ordered by member, lexicographically; read in
 * REV order that puts "b" above "a" (documented Redis behaviour, not "who scored first").
 */
export class Leaderboard {
  protected readonly redis: Redis;
  readonly key: string;

  constructor(redis: Redis, key: string) {
    this.redis = redis;
    this.key = key;
  }

  async addPoints(member: string, delta: number): Promise<number> {
    return Number(await this.redis.zincrby(this.key, delta, member));
  }

  /** Points shown to players; subclasses store something else in the score. */
  protected pointsOf(score: string): number {
    return Number(score);
  }

  async top(n: number): Promise<Entry[]> {
    return this.#range(0, n - 1);
  }

  async rank(member: string): Promise<number | null> {
    const rank = await this.redis.zrevrank(this.key, member);
    return rank === null ? null : rank + 1;
  }

  /** The member with `radius` players above and below: the "around me" view. */
  async around(member: string, radius: number): Promise<Entry[]> {
    const rank = await this.redis.zrevrank(this.key, member);
    if (rank === null) return [];
    return this.#range(Math.max(0, rank - radius), rank + radius);
  }

  async #range(start: number, stop: number): Promise<Entry[]> {
    // Generic call: ZRANGE's REV flag (Redis 6.2+) has no typed overload. Depending on the protocol the reply is
    // flat or [member, score] pairs; flatten handles both.
    const reply = (await this.redis.call('ZRANGE', this.key, start, stop, 'REV', 'WITHSCORES')) as unknown[];
    const flat = reply.flat().map(String);
    const entries: Entry[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      entries.push({ member: flat[i]!, points: this.pointsOf(flat[i + 1]!), rank: start + i / 2 + 1 });
    }
    return entries;
  }
}
// #endregion leaderboard

interface LeaderboardRedis extends Redis {
  addPoints(
    board: string,
    points: string,
    member: string,
    delta: number,
    seasonStartMs: number,
    slots: number,
    atMs: string,
  ): Promise<number>;
}

// #region tie-break
/**
 * Ties broken by time: score = points × slots + (slots − 1 − ms since season start), so among
 * equal points the earlier arrival has the larger score. Exact points live in a hash beside the
 * set; both are updated by one Lua script. With slots = 1e10 (115 days of milliseconds) points
 * may go up to 900,719 before the composite leaves the exact-integer range of a double.
 */
export class TieBreakLeaderboard extends Leaderboard {
  static readonly SLOTS = 1e10;
  readonly #seasonStartMs: number;

  constructor(redis: Redis, key: string, seasonStartMs: number) {
    super(redis, key);
    this.#seasonStartMs = seasonStartMs;
    if (typeof (redis as LeaderboardRedis).addPoints !== 'function') {
      defineCommands(redis, readCommands(new URL('./commands/', import.meta.url)));
    }
  }

  /** `atMs` pins the event time (tests, imports); by default the Redis server's clock is used. */
  override async addPoints(member: string, delta: number, atMs?: number): Promise<number> {
    if (!Number.isInteger(delta))
      throw new Error('points must be whole numbers: they are packed into an integer score');
    return (this.redis as LeaderboardRedis).addPoints(
      this.key,
      `${this.key}:points`,
      member,
      delta,
      this.#seasonStartMs,
      TieBreakLeaderboard.SLOTS,
      atMs === undefined ? '' : String(atMs),
    );
  }

  protected override pointsOf(score: string): number {
    const s = Number(score);
    // Exact: s is an integer below 2^53, so % and the division of an exact multiple do not round.
    return (s - (s % TieBreakLeaderboard.SLOTS)) / TieBreakLeaderboard.SLOTS;
  }
}
// #endregion tie-break
