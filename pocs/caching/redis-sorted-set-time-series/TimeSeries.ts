import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface Point {
  /** Milliseconds since the epoch: the sorted-set score. */
  ts: number;
  value: number;
  /** Unique per point: two readings with the same time and value are still two points. */
  id: string;
}

export interface RangeOptions {
  /** Leave out points exactly at `from` / `to` (Redis's `(` prefix). */
  exclusiveFrom?: boolean;
  exclusiveTo?: boolean;
  limit?: number;
}

const SEP = '|';

// #region time-series
/**
 * Points in one sorted set: score = timestamp, member = `<id>|<value>`. Members of a sorted set are
 * unique, so the id is what keeps two equal readings apart; the score is what makes time windows
 * (ZRANGEBYSCORE) and retention (ZREMRANGEBYSCORE) O(log N + points touched).
 */
export class TimeSeries {
  readonly #redis: Redis;
  readonly key: string;

  constructor(redis: Redis, key: string) {
    this.#redis = redis;
    this.key = key;
  }

  async add(...points: { ts: number; value: number; id?: string }[]): Promise<void> {
    if (points.length === 0) return;
    const args: (string | number)[] = [];
    for (const p of points) {
      if (!Number.isSafeInteger(p.ts))
        throw new Error(`ts must be an integer number of milliseconds, got ${p.ts}`);
      const id = p.id ?? randomBytes(6).toString('base64url');
      if (id.includes(SEP)) throw new Error(`a point id may not contain "${SEP}"`);
      args.push(p.ts, `${id}${SEP}${p.value}`);
    }
    await this.#redis.zadd(this.key, ...args);
  }

  /** Points with from ≤ ts ≤ to (bounds inclusive unless told otherwise), oldest first. */
  async range(from: number, to: number, options: RangeOptions = {}): Promise<Point[]> {
    const min = `${options.exclusiveFrom ? '(' : ''}${from}`;
    const max = `${options.exclusiveTo ? '(' : ''}${to}`;
    const reply =
      options.limit === undefined
        ? await this.#redis.zrangebyscore(this.key, min, max, 'WITHSCORES')
        : await this.#redis.zrangebyscore(this.key, min, max, 'WITHSCORES', 'LIMIT', 0, options.limit);
    const points: Point[] = [];
    for (let i = 0; i < reply.length; i += 2) {
      const member = reply[i]!;
      const at = member.lastIndexOf(SEP);
      points.push({ id: member.slice(0, at), value: Number(member.slice(at + 1)), ts: Number(reply[i + 1]) });
    }
    return points;
  }

  /** Retention: drops every point older than `cutoff` (strictly), returns how many went. */
  dropBefore(cutoff: number): Promise<number> {
    return this.#redis.zremrangebyscore(this.key, '-inf', `(${cutoff}`);
  }

  count(): Promise<number> {
    return this.#redis.zcard(this.key);
  }
}
// #endregion time-series

// #region naive
/** The tempting shortcut: the value itself as the member. Equal values overwrite each other's timestamp. */
export async function addValueAsMember(redis: Redis, key: string, ts: number, value: number): Promise<void> {
  await redis.zadd(key, ts, String(value));
}
// #endregion naive
