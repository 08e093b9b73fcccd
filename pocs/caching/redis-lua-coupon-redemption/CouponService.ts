import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

/** Why a redemption was refused, in the order the script checks the rules. */
export type DenialReason = 'UNKNOWN_COUPON' | 'NOT_YET_VALID' | 'EXPIRED' | 'ALREADY_REDEEMED' | 'SOLD_OUT';

export type RedemptionResult =
  | { redeemed: true; remaining: number }
  | { redeemed: false; reason: DenialReason; remaining: number };

export interface CouponDefinition {
  /** Redemptions allowed in total. Integer >= 1. */
  cap: number;
  /** Valid from (inclusive), epoch ms on the Redis clock. */
  startsAtMs: number;
  /** Valid until (exclusive), epoch ms on the Redis clock. */
  endsAtMs: number;
}

interface CouponCommands {
  redeem(couponKey: string, redeemedKey: string, userId: string): Promise<[number, string, number]>;
}

const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** Coupons redeemable once per user within a global cap and a validity window, decided in one Lua script. */
export class CouponService {
  private readonly redis: Redis & CouponCommands;
  private readonly keyPrefix: string;

  constructor(options: { redis: Redis; keyPrefix?: string }) {
    this.keyPrefix = options.keyPrefix ?? 'coupon:';
    defineCommands(options.redis, readCommands(COMMANDS_DIR));
    this.redis = options.redis as Redis & CouponCommands;
  }

  /** Both keys of a coupon share the code as hash tag: one cluster slot, so one script may use both. */
  keys(code: string) {
    return { coupon: `${this.keyPrefix}{${code}}`, redeemed: `${this.keyPrefix}{${code}}:redeemed` };
  }

  async create(code: string, definition: CouponDefinition): Promise<void> {
    const { cap, startsAtMs, endsAtMs } = definition;
    if (!Number.isSafeInteger(cap) || cap < 1)
      throw new RangeError(`cap must be a positive integer, got ${cap}`);
    if (!(endsAtMs > startsAtMs))
      throw new RangeError(`endsAtMs (${endsAtMs}) must be after startsAtMs (${startsAtMs})`);
    const k = this.keys(code);
    await this.redis.multi().del(k.redeemed).hset(k.coupon, { cap, startsAtMs, endsAtMs }).exec();
  }

  // #region redeem
  async redeem(code: string, userId: string): Promise<RedemptionResult> {
    if (userId === '') throw new TypeError('userId must be a non-empty string');
    const k = this.keys(code);
    const [ok, reason, remaining] = await this.redis.redeem(k.coupon, k.redeemed, userId);
    return ok === 1
      ? { redeemed: true, remaining }
      : { redeemed: false, reason: reason as DenialReason, remaining };
  }
  // #endregion redeem

  /** How many redeemed so far. */
  redeemedCount(code: string): Promise<number> {
    return this.redis.scard(this.keys(code).redeemed);
  }

  /** Redis server time in epoch ms: the clock the validity window is judged on. */
  async serverTimeMs(): Promise<number> {
    const [seconds, micros] = await this.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  }
}
