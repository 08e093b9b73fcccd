import { beforeAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { CouponService, type RedemptionResult } from './CouponService.ts';
import { racyRedeem } from './racyRedeem.ts';

const HOUR = 3_600_000;

describe('CouponService (real Redis)', () => {
  const db = useRedis('redis-lua-coupon-redemption', { connections: 4 });
  const { ns } = db;
  let services: CouponService[];
  let coupons: CouponService;
  beforeAll(() => {
    services = db.clients.map((redis) => new CouponService({ redis, keyPrefix: `${ns}:` }));
    coupons = services[0]!;
  });
  const open = async (code: string, cap: number) => {
    const now = await coupons.serverTimeMs();
    await coupons.create(code, { cap, startsAtMs: now - HOUR, endsAtMs: now + HOUR });
  };

  // #region cap-test
  it('1,000 concurrent redemptions by 300 users against a cap of 100: exactly 100 redeemed, no user twice', async () => {
    await open('SPRING', 100);
    // Request i comes from user i % 300, so every user tries three or four times (retries included).
    const attempts = Array.from({ length: 1_000 }, (_, i) => ({
      user: `user-${i % 300}`,
      service: services[i % 4]!,
    }));
    const results = await Promise.all(attempts.map((a) => a.service.redeem('SPRING', a.user)));

    const winners = attempts.filter((_, i) => results[i]!.redeemed).map((a) => a.user);
    expect(winners).toHaveLength(100);
    expect(new Set(winners).size).toBe(100); // no user redeemed twice
    expect(await coupons.redeemedCount('SPRING')).toBe(100);
    const reasons = new Set(results.flatMap((r) => (r.redeemed ? [] : [r.reason])));
    expect([...reasons].sort()).toEqual(['ALREADY_REDEEMED', 'SOLD_OUT']);
    // Winners retrying hear ALREADY_REDEEMED, never SOLD_OUT.
    const winnerSet = new Set(winners);
    attempts.forEach((a, i) => {
      const r = results[i]!;
      if (!r.redeemed && winnerSet.has(a.user)) expect(r.reason).toBe('ALREADY_REDEEMED');
    });
  });
  // #endregion cap-test

  it('the same rules as reads then a write (two round trips) overrun the cap', async () => {
    await open('RACY', 100);
    const k = coupons.keys('RACY');
    const results = await Promise.all(
      Array.from({ length: 1_000 }, (_, i) =>
        racyRedeem(db.clients[i % 4]!, k.coupon, k.redeemed, `user-${i % 300}`),
      ),
    );
    // More "redeemed" answers than the cap allows (the set dedupes users, the answers do not).
    expect(results.filter(Boolean).length).toBeGreaterThan(100);
  });

  it('honours the validity window on the Redis clock', async () => {
    const now = await coupons.serverTimeMs();
    await coupons.create('LATER', { cap: 5, startsAtMs: now + HOUR, endsAtMs: now + 2 * HOUR });
    await coupons.create('OVER', { cap: 5, startsAtMs: now - 2 * HOUR, endsAtMs: now - HOUR });
    expect(await coupons.redeem('LATER', 'u1')).toEqual<RedemptionResult>({
      redeemed: false,
      reason: 'NOT_YET_VALID',
      remaining: 5,
    });
    expect(await coupons.redeem('OVER', 'u1')).toEqual<RedemptionResult>({
      redeemed: false,
      reason: 'EXPIRED',
      remaining: 5,
    });
    expect(await coupons.redeemedCount('LATER')).toBe(0);
  });

  it('returns a typed reason for every denial and counts down remaining', async () => {
    await open('TWO', 2);
    expect(await coupons.redeem('TWO', 'a')).toEqual({ redeemed: true, remaining: 1 });
    expect(await coupons.redeem('TWO', 'a')).toEqual({
      redeemed: false,
      reason: 'ALREADY_REDEEMED',
      remaining: 1,
    });
    expect(await coupons.redeem('TWO', 'b')).toEqual({ redeemed: true, remaining: 0 });
    expect(await coupons.redeem('TWO', 'c')).toEqual({ redeemed: false, reason: 'SOLD_OUT', remaining: 0 });
    expect(await coupons.redeem('NOPE', 'c')).toEqual({
      redeemed: false,
      reason: 'UNKNOWN_COUPON',
      remaining: 0,
    });
  });

  it('rejects a coupon definition it cannot honour, saying why', async () => {
    await expect(coupons.create('BAD', { cap: 0, startsAtMs: 0, endsAtMs: 1 })).rejects.toThrow(
      /cap must be/,
    );
    await expect(coupons.create('BAD', { cap: 1, startsAtMs: 5, endsAtMs: 5 })).rejects.toThrow(
      /must be after/,
    );
  });
});
