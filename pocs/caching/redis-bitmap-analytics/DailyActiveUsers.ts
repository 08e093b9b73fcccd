import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface DailyActiveUsersOptions {
  redis: Redis;
  /** Every key this class touches starts with it, e.g. `app:dau:`. */
  keyPrefix: string;
  /** SETBITs per pipeline flush: large enough to amortise round trips, small enough to bound the buffer. */
  batchSize?: number;
  /** Day bitmaps expire after this many seconds (0 = keep). Analytics keys without a TTL pile up. */
  ttlSeconds?: number;
}

/** SETBIT offsets are 32-bit: a bitmap can address at most 2^32 bits (512 MB). */
export const MAX_USER_ID = 2 ** 32 - 1;

/**
 * One bitmap per day, bit N = "user N was active that day". BITCOUNT answers daily actives, BITOP
 * AND/OR answers retention and "active on any day of the week" without moving a single id to the app.
 */
export class DailyActiveUsers {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly batchSize: number;
  private readonly ttlSeconds: number;

  constructor(options: DailyActiveUsersOptions) {
    if (!options.keyPrefix) throw new Error('DailyActiveUsers needs a keyPrefix so its keys cannot collide');
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.batchSize = options.batchSize ?? 10_000;
    this.ttlSeconds = options.ttlSeconds ?? 0;
  }

  dayKey(day: string): string {
    return `${this.prefix}${day}`;
  }

  // #region record
  /** Marks every id as active on `day`, pipelining SETBIT in batches. */
  async recordActive(day: string, userIds: Iterable<number>): Promise<void> {
    const key = this.dayKey(day);
    let pipeline = this.redis.pipeline();
    let queued = 0;
    for (const id of userIds) {
      assertUserId(id);
      pipeline.setbit(key, id, 1);
      if (++queued === this.batchSize) {
        await execOrThrow(pipeline);
        pipeline = this.redis.pipeline();
        queued = 0;
      }
    }
    if (this.ttlSeconds > 0) pipeline.expire(key, this.ttlSeconds);
    await execOrThrow(pipeline);
  }

  /** One visit: SETBIT returns the previous bit, so the caller learns "first visit today" for free. */
  async markActive(day: string, userId: number): Promise<{ firstToday: boolean }> {
    assertUserId(userId);
    const previous = await this.redis.setbit(this.dayKey(day), userId, 1);
    return { firstToday: previous === 0 };
  }
  // #endregion record

  async isActive(day: string, userId: number): Promise<boolean> {
    assertUserId(userId);
    return (await this.redis.getbit(this.dayKey(day), userId)) === 1;
  }

  // #region count
  async countDay(day: string): Promise<number> {
    return this.redis.bitcount(this.dayKey(day));
  }

  /** Users active on every one of `days` (AND): e.g. retained from Monday to Tuesday. */
  countEvery(days: string[]): Promise<number> {
    return this.combine('AND', days);
  }

  /** Users active on at least one of `days` (OR): e.g. weekly actives. */
  countAny(days: string[]): Promise<number> {
    return this.combine('OR', days);
  }

  /**
   * BITOP writes its result to a key, so the count goes through a scratch key created, counted and
   * deleted inside one MULTI: no other client sees it and nothing is left behind if we crash after.
   */
  private async combine(op: 'AND' | 'OR', days: string[]): Promise<number> {
    if (days.length === 0) throw new Error(`BITOP ${op} needs at least one day`);
    const scratch = `${this.prefix}tmp:${randomBytes(6).toString('hex')}`;
    const keys = days.map((d) => this.dayKey(d));
    const multi = this.redis.multi();
    // (two literal calls: ioredis types BITOP's operation per overload)
    if (op === 'AND') multi.bitop('AND', scratch, ...keys);
    else multi.bitop('OR', scratch, ...keys);
    const replies = await multi.bitcount(scratch).del(scratch).exec();
    if (!replies) throw new Error(`BITOP ${op}: the transaction was aborted`);
    const [, count] = replies[1]!;
    const error = replies.find(([e]) => e)?.[0];
    if (error) throw error;
    return count as number;
  }
  // #endregion count
}

function assertUserId(id: number): void {
  if (!Number.isInteger(id) || id < 0 || id > MAX_USER_ID) {
    throw new RangeError(
      `user id ${id} cannot be a bitmap offset: use integers 0 … 2^32-1, and map sparse or string ids ` +
        'to dense sequential ones first (a bitmap is as large as its highest offset)',
    );
  }
}

async function execOrThrow(pipeline: ReturnType<Redis['pipeline']>): Promise<void> {
  const replies = await pipeline.exec();
  const error = replies?.find(([e]) => e)?.[0];
  if (error) throw error;
}
