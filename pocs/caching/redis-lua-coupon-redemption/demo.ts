import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, round, runLoad } from '../../../src/lab/index.ts';
import { CouponService, type DenialReason } from './CouponService.ts';
import { racyRedeem } from './racyRedeem.ts';

const REQUESTS = 1_000;
const USERS = 300;
const CAP = 100;
const CONNECTIONS = 4;
const HOUR = 3_600_000;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const services = connections.map((redis) => new CouponService({ redis, keyPrefix: `${ns}:` }));
    const coupons = services[0]!;
    try {
      const now = await coupons.serverTimeMs();
      const window = { startsAtMs: now - HOUR, endsAtMs: now + HOUR };

      // ── 1. 1,000 concurrent redemptions, script vs reads-then-write ─────────────────────────
      ctx.progress('redemption race');
      await coupons.create('SCRIPT', { cap: CAP, ...window });
      const userOf = (i: number) => `user-${i % USERS}`;
      const results = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) => services[i % CONNECTIONS]!.redeem('SCRIPT', userOf(i))),
      );
      const scriptWinners = results.flatMap((r, i) => (r.redeemed ? [userOf(i)] : []));

      await coupons.create('RACY', { cap: CAP, ...window });
      const k = coupons.keys('RACY');
      const racy = await Promise.all(
        Array.from({ length: REQUESTS }, (_, i) =>
          racyRedeem(connections[i % CONNECTIONS]!, k.coupon, k.redeemed, userOf(i)),
        ),
      );
      const racyWinners = racy.flatMap((ok, i) => (ok ? [userOf(i)] : []));
      const row = (implementation: string, winners: string[]) => ({
        implementation,
        redeemedAnswers: winners.length,
        distinctUsers: new Set(winners).size,
        overCap: Math.max(0, winners.length - CAP),
        duplicateAnswers: winners.length - new Set(winners).size,
      });
      const rows = [
        row('redeem-2.lua (one script)', scriptWinners),
        row('reads, then SADD (two round trips)', racyWinners),
      ];
      ctx.log(`${REQUESTS} concurrent redemptions by ${USERS} users (with retries), cap ${CAP}:`);
      for (const r of rows) {
        ctx.log(
          `  ${r.implementation.padEnd(36)} ${r.redeemedAnswers} "redeemed" answers, ${r.distinctUsers} distinct users`,
        );
      }
      ctx.record.figure('script-redeemed', `Redeemed by the script (cap ${CAP})`, scriptWinners.length);
      ctx.record.figure('script-distinct-users', 'Distinct users among them', new Set(scriptWinners).size);
      ctx.record.figure(
        'racy-redeemed',
        `"Redeemed" answers from the two-round-trip version (cap ${CAP})`,
        racyWinners.length,
      );
      ctx.record.table({
        id: 'redemption-race',
        title: `${REQUESTS} concurrent redemptions by ${USERS} users over ${CONNECTIONS} connections, cap ${CAP}`,
        columns: [
          { key: 'implementation', label: 'Implementation' },
          { key: 'redeemedAnswers', label: '"Redeemed" answers' },
          { key: 'distinctUsers', label: 'Distinct users' },
          { key: 'overCap', label: 'Over the cap' },
          { key: 'duplicateAnswers', label: 'Same user told "redeemed" again' },
        ],
        rows,
        chart: {
          type: 'bar',
          x: 'implementation',
          y: ['redeemedAnswers', 'overCap', 'duplicateAnswers'],
          title: `Redemptions vs a cap of ${CAP}`,
        },
      });

      // ── 2. Why the others were refused ──────────────────────────────────────────────────────
      const reasons: Record<DenialReason, number> = {
        UNKNOWN_COUPON: 0,
        NOT_YET_VALID: 0,
        EXPIRED: 0,
        ALREADY_REDEEMED: 0,
        SOLD_OUT: 0,
      };
      for (const r of results) if (!r.redeemed) reasons[r.reason]++;
      ctx.record.table({
        id: 'denial-reasons',
        title: `Why the other ${REQUESTS - scriptWinners.length} redemptions were refused (script)`,
        columns: [
          { key: 'reason', label: 'Reason code' },
          { key: 'count', label: 'Requests' },
        ],
        rows: (['ALREADY_REDEEMED', 'SOLD_OUT'] as const).map((reason) => ({
          reason,
          count: reasons[reason],
        })),
        chart: { type: 'bar', x: 'reason', y: ['count'], title: 'Denials by reason' },
      });

      // ── 3. Cost per redemption ──────────────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('throughput');
      await coupons.create('BENCH', { cap: 1_000_000_000, ...window });
      const load = await runLoad((i) => coupons.redeem('BENCH', `bench-${i}`), {
        concurrency: 16,
        durationMs: ctx.quick ? 200 : 1_000,
        warmupOps: 100,
        signal: ctx.signal,
      });
      if (load.errors > 0)
        throw new Error(`redeem failed during the benchmark: ${load.errorSamples.join('; ')}`);
      ctx.log('');
      ctx.log(
        `redeem on one connection, 16 concurrent callers: ${Math.round(load.opsPerSec).toLocaleString('en-US')} ops/s, p99 ${round(load.latency.p99, 2)} ms`,
      );
      ctx.record.figure(
        'redeem-ops',
        'redeem() throughput, one connection, 16 concurrent callers',
        Math.round(load.opsPerSec),
        'ops/s',
      );
      ctx.record.figure(
        'redeem-p99',
        'redeem() p99 latency under that load',
        round(load.latency.p99, 2),
        'ms',
      );
    } finally {
      await deleteRedisKeys(connections[0]!, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
