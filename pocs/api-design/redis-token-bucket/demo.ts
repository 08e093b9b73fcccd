import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { runBenchmark } from './benchmark.ts';
import { burstThenSteady } from './burstThenSteady.ts';
import { racyTake } from './racyTokenBucket.ts';
import { TokenBucketLimiter } from './TokenBucketLimiter.ts';

const CALLERS = 200;
const CONNECTIONS = 4;
const CAPACITY = 50;
const STEADY = { capacity: 20, refillPerSecond: 50, burst: 60, perSlot: 20 };
const CONCURRENCY = 32;

const fmt = (n: number) => n.toLocaleString('en-US');

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const admin = connections[0]!;
    try {
      // ── 1. Exactness at t0: the script vs the same bucket in two round trips ────────────────
      ctx.progress('exactness race');
      const limiters = connections.map(
        (redis) =>
          new TokenBucketLimiter({ redis, capacity: CAPACITY, refillPerSecond: 0.001, keyPrefix: `${ns}:` }),
      );
      const decisions = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) => limiters[i % CONNECTIONS]!.take('race')),
      );
      const luaAllowed = decisions.filter((d) => d.allowed).length;
      const racy = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) =>
          racyTake(connections[i % CONNECTIONS]!, `${ns}:racy`, CAPACITY, 0.001),
        ),
      );
      const racyAllowed = racy.filter(Boolean).length;
      ctx.log(
        `${CALLERS} concurrent callers over ${CONNECTIONS} connections, one full bucket of ${CAPACITY}:`,
      );
      ctx.log(`  Lua script (one atomic step):        ${luaAllowed} allowed`);
      ctx.log(`  HMGET, then HSET (two round trips):  ${racyAllowed} allowed`);
      ctx.record.figure(
        'exact-allowed',
        `Allowed of ${CALLERS} concurrent callers (capacity ${CAPACITY})`,
        luaAllowed,
      );
      ctx.record.figure(
        'racy-allowed',
        `Allowed by the two-round-trip version (capacity ${CAPACITY})`,
        racyAllowed,
      );
      ctx.record.table({
        id: 'exactness',
        title: `${CALLERS} concurrent callers over ${CONNECTIONS} connections against one full bucket of ${CAPACITY}`,
        columns: [
          { key: 'check', label: 'Implementation' },
          { key: 'allowed', label: 'Allowed' },
          { key: 'denied', label: 'Denied' },
        ],
        rows: [
          { check: 'Lua script (atomic)', allowed: luaAllowed, denied: CALLERS - luaAllowed },
          {
            check: 'HMGET, then HSET (two round trips)',
            allowed: racyAllowed,
            denied: CALLERS - racyAllowed,
          },
        ],
        chart: {
          type: 'bar',
          x: 'check',
          y: ['allowed', 'denied'],
          title: `Allowed vs denied, capacity ${CAPACITY}`,
        },
      });

      // ── 2. Burst, then the steady rate ──────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('burst then steady');
      const slots = ctx.quick ? 5 : 10;
      const steadyLimiter = new TokenBucketLimiter({
        redis: admin,
        capacity: STEADY.capacity,
        refillPerSecond: STEADY.refillPerSecond,
        keyPrefix: `${ns}:`,
      });
      const rows = await burstThenSteady(steadyLimiter, 'steady', {
        burst: STEADY.burst,
        perSlot: STEADY.perSlot,
        slots,
        signal: ctx.signal,
      });
      const steadyAllowed = rows.slice(1).reduce((sum, r) => sum + r.allowed, 0);
      const steadyRate = Math.round(steadyAllowed / (slots / 10));
      ctx.log('');
      ctx.log(
        `Capacity ${STEADY.capacity}, refill ${STEADY.refillPerSecond}/s; ${STEADY.burst} at once, then ` +
          `${STEADY.perSlot} every 100 ms:`,
      );
      ctx.log(`  burst: ${rows[0]!.allowed} of ${STEADY.burst} allowed`);
      ctx.log(
        `  then:  ${rows
          .slice(1)
          .map((r) => r.allowed)
          .join(' ')} per 100 ms  -> ${steadyRate}/s`,
      );
      ctx.record.figure(
        'burst-allowed',
        `Allowed of a burst of ${STEADY.burst} (capacity ${STEADY.capacity})`,
        rows[0]!.allowed,
      );
      // A burst answered over more than 1000/refill ms has earned a token or more meanwhile.
      ctx.record.figure(
        'burst-took-ms',
        `Time to answer the burst of ${STEADY.burst}`,
        rows[0]!.tookMs,
        'ms',
      );
      ctx.record.figure(
        'steady-rate',
        `Allowed per second after the burst (refill ${STEADY.refillPerSecond}/s)`,
        steadyRate,
        'req/s',
      );
      ctx.record.table({
        id: 'burst-then-steady',
        title: `Capacity ${STEADY.capacity}, refill ${STEADY.refillPerSecond}/s: a burst of ${STEADY.burst}, then ${STEADY.perSlot} requests every 100 ms`,
        columns: [
          { key: 'atMs', label: 'Time since burst', unit: 'ms' },
          { key: 'offered', label: 'Offered' },
          { key: 'allowed', label: 'Allowed' },
        ],
        rows: rows.map(({ atMs, offered, allowed }) => ({ atMs, offered, allowed })),
        chart: { type: 'line', x: 'atMs', y: ['offered', 'allowed'], title: 'Requests per 100 ms slot' },
      });

      // ── 3. Throughput next to rate-limiter-flexible, same Redis ─────────────────────────────
      ctx.signal.throwIfAborted();
      const rounds = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 250 : 1_000;
      const bench = await runBenchmark({
        url,
        keyPrefix: `${ns}:bench:`,
        concurrency: CONCURRENCY,
        rounds,
        durationMs,
        warmupOps: ctx.quick ? 50 : 300,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      ctx.log('');
      ctx.log(
        `Allowed path, ${CONCURRENCY} concurrent callers, one connection per limiter, ${rounds} round(s) of ${durationMs} ms:`,
      );
      for (const row of bench) {
        ctx.log(`  ${row.limiter.padEnd(62)} ${fmt(row.opsPerSec).padStart(7)} ops/s  p99 ${row.p99} ms`);
      }
      ctx.record.table({
        id: 'throughput',
        title: `Allowed path, ${CONCURRENCY} concurrent callers, same Redis`,
        columns: [
          { key: 'limiter', label: 'Limiter' },
          { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows: bench.map((r) => ({ ...r })),
        chart: { type: 'bar', x: 'limiter', y: ['opsPerSec'], title: 'Throughput (higher is better)' },
      });
      ctx.record.compare({
        id: 'ops-vs-flexible',
        title: 'Throughput on the allowed path',
        unit: 'ops/s',
        better: 'higher',
        baseline: { label: bench[1]!.limiter, value: bench[1]!.opsPerSec },
        candidate: { label: bench[0]!.limiter, value: bench[0]!.opsPerSec },
      });
      ctx.record.note(
        'rate-limiter-flexible (v11) ships no token bucket: RateLimiterRedis is a fixed window opened by a key’s first ' +
          'request, and BurstyRateLimiter chains two of them (here 1 s and 10 s). They differ in behaviour from a token ' +
          'bucket; the comparison is of cost per check, not of identical semantics.',
      );
    } finally {
      await deleteRedisKeys(admin, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
