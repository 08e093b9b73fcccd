import { Redis } from 'ioredis';
import { type Comparison, defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { runBenchmark } from './benchmark.ts';
import { runBoundaryBurst } from './boundaryBurst.ts';
import { runExactnessRace } from './exactnessRace.ts';
import { measureMemoryPerKey } from './memoryPerKey.ts';

const CALLERS = 200;
const CONNECTIONS = 4;
const LIMIT = 100;
const CONCURRENCY = 32;

const fmt = (n: number) => n.toLocaleString('en-US');

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const admin = connections[0]!;
    try {
      // ── 1. Exactness under contention ────────────────────────────────────────────────────────
      ctx.progress('exactness race');
      const race = await runExactnessRace(connections, `${ns}:race:`, CALLERS, LIMIT);
      ctx.log(`${CALLERS} concurrent callers over ${CONNECTIONS} connections, one key, limit ${LIMIT}:`);
      ctx.log(
        `  Lua script (one atomic step):          ${race.luaAllowed} allowed, ${CALLERS - race.luaAllowed} denied`,
      );
      ctx.log(
        `  same check in two round trips (racy):  ${race.naiveAllowed} allowed, ${CALLERS - race.naiveAllowed} denied`,
      );
      ctx.record.figure(
        'exact-allowed',
        `Allowed of ${CALLERS} concurrent callers (limit ${LIMIT})`,
        race.luaAllowed,
      );
      ctx.record.figure(
        'exact-denied',
        `Denied of ${CALLERS} concurrent callers (limit ${LIMIT})`,
        CALLERS - race.luaAllowed,
      );
      ctx.record.table({
        id: 'exactness',
        title: `${CALLERS} concurrent callers over ${CONNECTIONS} connections against one key with limit ${LIMIT}`,
        columns: [
          { key: 'check', label: 'Check' },
          { key: 'allowed', label: 'Allowed' },
          { key: 'denied', label: 'Denied' },
        ],
        rows: [
          { check: 'Lua script (atomic)', allowed: race.luaAllowed, denied: CALLERS - race.luaAllowed },
          {
            check: 'ZCARD, then ZADD (two round trips)',
            allowed: race.naiveAllowed,
            denied: CALLERS - race.naiveAllowed,
          },
        ],
        chart: {
          type: 'bar',
          x: 'check',
          y: ['allowed', 'denied'],
          title: `Allowed vs denied, limit ${LIMIT}`,
        },
      });

      // ── 2. The burst a fixed window lets through at its edge ─────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('window-edge burst');
      const boundary = await runBoundaryBurst(admin, `${ns}:edge:`);
      ctx.log('');
      ctx.log('Limit 10 per second; 1 request at t=0, 20 at t=700 ms, 20 at t=1200 ms:');
      for (const row of boundary) {
        ctx.log(
          `  ${row.limiter.padEnd(37)} allowed ${row.t0} + ${row.t700} + ${row.t1200}` +
            `  -> ${row.span} within 500 ms`,
        );
      }
      const [slidingEdge, fixedEdge] = boundary;
      ctx.record.figure(
        'boundary-sliding',
        'Sliding log: allowed within 500 ms at a window edge (limit 10/s)',
        slidingEdge!.span,
      );
      ctx.record.figure(
        'boundary-fixed',
        'Fixed window: allowed within 500 ms at a window edge (limit 10/s)',
        fixedEdge!.span,
      );
      ctx.record.table({
        id: 'boundary-burst',
        title: 'Requests allowed per burst with a limit of 10 per second',
        columns: [
          { key: 'limiter', label: 'Limiter' },
          { key: 't0', label: 'At t=0 (1 sent)' },
          { key: 't700', label: 'At t=700 ms (20 sent)' },
          { key: 't1200', label: 'At t=1200 ms (20 sent)' },
          { key: 'span', label: 'Allowed within 500 ms' },
        ],
        rows: boundary.map((row) => ({ ...row })),
        chart: {
          type: 'bar',
          x: 'limiter',
          y: ['span'],
          title: 'Allowed within 500 ms (limit: 10 per second)',
        },
      });

      // ── 3. What exactness costs in memory ────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('memory per key');
      const memory = await measureMemoryPerKey(admin, `${ns}:memory:`, LIMIT);
      ctx.log('');
      ctx.log(
        `Redis memory for one key after ${LIMIT} requests: sliding log ${fmt(memory.slidingLogBytes)} B, ` +
          `fixed-window counter ${fmt(memory.fixedWindowBytes)} B`,
      );
      ctx.record.table({
        id: 'memory-per-key',
        title: `Redis MEMORY USAGE of one key after ${LIMIT} requests in the window`,
        columns: [
          { key: 'limiter', label: 'Limiter' },
          { key: 'bytes', label: 'Bytes per key', unit: 'B' },
        ],
        rows: [
          { limiter: 'Sliding log (sorted set)', bytes: memory.slidingLogBytes },
          { limiter: 'Fixed window (counter)', bytes: memory.fixedWindowBytes },
        ],
        chart: { type: 'bar', x: 'limiter', y: ['bytes'], title: `Bytes per key after ${LIMIT} requests` },
      });

      // ── 4. Throughput and latency against rate-limiter-flexible, same Redis, same load ───────
      ctx.signal.throwIfAborted();
      const rounds = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 300 : 1_000;
      ctx.log('');
      ctx.log(
        `Benchmark: ${CONCURRENCY} concurrent callers, one connection per limiter, ` +
          `${rounds} alternating round(s) of ${durationMs} ms per limiter and path`,
      );
      const bench = await runBenchmark({
        url,
        keyPrefix: `${ns}:bench:`,
        admin,
        concurrency: CONCURRENCY,
        rounds,
        durationMs,
        warmupOps: ctx.quick ? 50 : 300,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      for (const row of bench) {
        ctx.log(`  ${row.scenario}`);
        ctx.log(
          `    sliding log   ${fmt(row.slidingOps).padStart(7)} ops/s  p99 ${row.slidingP99} ms  ` +
            `Redis ${row.slidingServerUs} µs/call`,
        );
        ctx.log(
          `    fixed window  ${fmt(row.fixedOps).padStart(7)} ops/s  p99 ${row.fixedP99} ms  ` +
            `Redis ${row.fixedServerUs} µs/call`,
        );
      }
      ctx.record.table({
        id: 'throughput',
        title: `SlidingWindowLimiter vs rate-limiter-flexible RateLimiterRedis, ${CONCURRENCY} concurrent callers`,
        columns: [
          { key: 'scenario', label: 'Path' },
          { key: 'slidingOps', label: 'Sliding log', unit: 'ops/s' },
          { key: 'fixedOps', label: 'Fixed window', unit: 'ops/s' },
          { key: 'slidingP50', label: 'Sliding log p50', unit: 'ms' },
          { key: 'fixedP50', label: 'Fixed window p50', unit: 'ms' },
          { key: 'slidingP99', label: 'Sliding log p99', unit: 'ms' },
          { key: 'fixedP99', label: 'Fixed window p99', unit: 'ms' },
          { key: 'slidingServerUs', label: 'Sliding log, Redis time per call', unit: 'µs' },
          { key: 'fixedServerUs', label: 'Fixed window, Redis time per call', unit: 'µs' },
        ],
        rows: bench.map((row) => ({ ...row })),
        chart: {
          type: 'bar',
          x: 'scenario',
          y: ['slidingOps', 'fixedOps'],
          title: 'Throughput (higher is better)',
        },
      });
      // Both comparisons read the allowed path: rate-limiter-flexible is the baseline, this POC the candidate.
      const allowedPath = bench[0]!;
      const vsFlexible = (
        spec: Omit<Comparison, 'baseline' | 'candidate' | 'ratio'>,
        fixed: number,
        sliding: number,
      ) =>
        ctx.record.compare({
          ...spec,
          baseline: { label: 'rate-limiter-flexible RateLimiterRedis (fixed window)', value: fixed },
          candidate: { label: 'SlidingWindowLimiter (sliding log)', value: sliding },
        });
      vsFlexible(
        { id: 'ops-allowed-path', title: 'Throughput on the allowed path', unit: 'ops/s', better: 'higher' },
        allowedPath.fixedOps,
        allowedPath.slidingOps,
      );
      vsFlexible(
        { id: 'p99-allowed-path', title: 'p99 latency on the allowed path', unit: 'ms', better: 'lower' },
        allowedPath.fixedP99,
        allowedPath.slidingP99,
      );
      ctx.record.note(
        'rate-limiter-flexible’s RateLimiterRedis is a fixed-window counter whose window opens at a key’s first request; ' +
          'it ran with the same limit (points) per the same window (duration) on the same Redis and client library. ' +
          'It answers a denial by rejecting with a RateLimiterRes, counted here as a denial, not an error.',
      );
      ctx.record.note(
        'Both run one Lua script per call through EVALSHA on one ioredis connection each; the sliding log also arms a ' +
          'timeout timer per call. The two took turns in rounds (A B, B A, ...): ops/s is over all rounds, p50/p99 the ' +
          'median round. Redis time per call is INFO commandstats EVALSHA usec/calls over each measurement.',
      );
    } finally {
      await deleteRedisKeys(admin, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
