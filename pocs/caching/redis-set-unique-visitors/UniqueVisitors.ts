import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface UniqueVisitorsOptions {
  redis: Redis;
  keyPrefix: string;
  /** Daily sets expire after this many seconds (default 8 days: a week of history plus a margin). */
  ttlSeconds?: number;
}

/**
 * Exact unique visitors: one SET per page and day. SADD is idempotent and atomic on the server, so
 * any number of app servers can record visits concurrently without a read-then-write race.
 */
export class UniqueVisitors {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly ttlSeconds: number;

  constructor(options: UniqueVisitorsOptions) {
    if (!options.keyPrefix) throw new Error('UniqueVisitors needs a keyPrefix so its keys cannot collide');
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.ttlSeconds = options.ttlSeconds ?? 8 * 24 * 3600;
  }

  key(page: string, day: string): string {
    return `${this.prefix}${page}:${day}`;
  }

  // #region visit
  /** Records one visit; true if this was the visitor's first visit to the page that day. */
  async visit(page: string, day: string, visitorId: string): Promise<boolean> {
    const key = this.key(page, day);
    const replies = await this.redis.multi().sadd(key, visitorId).expire(key, this.ttlSeconds).exec();
    const error = replies?.find(([e]) => e)?.[0];
    if (!replies || error) throw error ?? new Error('SADD transaction aborted');
    return replies[0]![1] === 1;
  }

  async count(page: string, day: string): Promise<number> {
    return this.redis.scard(this.key(page, day));
  }

  /**
   * Distinct visitors over several days: SUNIONSTORE into a scratch key, SCARD, DEL — one MULTI,
   * so the scratch key is never visible and never left behind.
   */
  async countAcross(page: string, days: string[]): Promise<number> {
    const scratch = `${this.prefix}tmp:${randomBytes(6).toString('hex')}`;
    const replies = await this.redis
      .multi()
      .sunionstore(scratch, ...days.map((d) => this.key(page, d)))
      .scard(scratch)
      .del(scratch)
      .exec();
    const error = replies?.find(([e]) => e)?.[0];
    if (!replies || error) throw error ?? new Error('SUNIONSTORE transaction aborted');
    return replies[1]![1] as number;
  }
  // #endregion visit

  /** Bulk load (demo and back-fills): SADD in pipelined batches. */
  async visitMany(
    page: string,
    day: string,
    visitorIds: readonly string[],
    batchSize = 10_000,
  ): Promise<void> {
    const key = this.key(page, day);
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < visitorIds.length; i += batchSize)
      pipeline.sadd(key, ...visitorIds.slice(i, i + batchSize));
    pipeline.expire(key, this.ttlSeconds);
    const error = (await pipeline.exec())?.find(([e]) => e)?.[0];
    if (error) throw error;
  }
}
