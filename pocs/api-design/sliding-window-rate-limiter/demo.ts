import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { defineDemo, type LoadResult, round, runLoad } from '../../../src/lab/index.ts';
import { deleteKeys } from './deleteKeys.ts';
import { SlidingWindowLimiter } from './SlidingWindowLimiter.ts';

const CALLERS = 200;
const CONNECTIONS = 4;
const LIMIT = 100;
const BENCH_CONCURRENCY = 32;
const BENCH_USERS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const admin = connections[0]!;
    try {
      // ── 1. Exactness: 200 concurrent callers, 4 connections, limit 100 ─────────────────────────
      ctx.log(`${CALLERS} concurrent callers over ${CONNECTIONS} connections, one key, limit ${LIMIT}:`);
      const limiters = connections.map(
        (redis) =>
          new SlidingWindowLimiter({ redis, limit: LIMIT, windowMs: 60_000, keyPrefix: `${ns}:swl:` }),
      );
      const decisions = await Promise.all(
        Array.from({ length: CALLERS }, (_, i) => limiters[i % CONNECTIONS]!.consume('exact')),
      );
      const luaAllowed = decisions.filter((d) => d.allowed).length;
      const naiveAllowed = await naiveRace(connections, `${ns}:naive:exact`);
      ctx.log(
        `  Lua script (one atomic step):         ${luaAllowed} allowed, ${CALLERS - luaAllowed} denied`,
      );
      ctx.log(
        `  same check in two round trips (racy): ${naiveAllowed} allowed, ${CALLERS - naiveAllowed} denied`,
      );
      ctx.record.figure(
        'exact-allowed',
        `Allowed of ${CALLERS} concurrent callers (limit ${LIMIT})`,
        luaAllowed,
      );
      ctx.record.figure(
        'exact-denied',
        `Denied of ${CALLERS} concurrent callers (limit ${LIMIT})`,
        CALLERS - luaAllowed,
      );
      ctx.record.table({
        id: 'exactness',
        title: `${CALLERS} concurrent callers over ${CONNECTIONS} connections against one key with limit ${LIMIT}`,
        columns: [
          { key: 'implementation', label: 'Check' },
          { key: 'allowed', label: 'Allowed' },
          { key: 'denied', label: 'Denied' },
        ],
        rows: [
          { implementation: 'Lua script (atomic)', allowed: luaAllowed, denied: CALLERS - luaAllowed },
          {
            implementation: 'ZCARD then ZADD (two round trips)',
            allowed: naiveAllowed,
            denied: CALLERS - naiveAllowed,
          },
        ],
        chart: {
          type: 'bar',
          x: 'implementation',
          y: ['allowed', 'denied'],
          title: `Allowed vs denied, limit ${LIMIT}`,
        },
      });

      // ── 2. The boundary burst a fixed window lets through ──────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.log('');
      ctx.log('Limit 10 per second; 1 request at t=0, 20 at t=700 ms, 20 at t=1200 ms:');
      const boundary = await boundaryBurst(admin, ns);
      for (const row of boundary) {
        ctx.log(
          `  ${row.limiter.padEnd(36)} t=0: ${row.t0}  t=700: ${row.t700}  t=1200: ${row.t1200}  ` +
            `-> ${row.span} allowed within 500 ms`,
        );
      }
      ctx.record.figure(
        'boundary-sliding',
        'Sliding log: allowed within 500 ms across a window edge (limit 10/s)',
        boundary[0]!.span,
      );
      ctx.record.figure(
        'boundary-fixed',
        'Fixed window: allowed within 500 ms across a window edge (limit 10/s)',
        boundary[1]!.span,
      );
      ctx.record.table({
        id: 'boundary-burst',
        title: 'Requests allowed per burst, limit 10 per 1 s (the window-edge burst)',
        columns: [
          { key: 'limiter', label: 'Limiter' },
          { key: 't0', label: 'Allowed at t=0 (1 sent)' },
          { key: 't700', label: 'Allowed at t=700 ms (20 sent)' },
          { key: 't1200', label: 'Allowed at t=1200 ms (20 sent)' },
          { key: 'span', label: 'Allowed within 500 ms' },
        ],
        rows: boundary,
        chart: {
          type: 'bar',
          x: 'limiter',
          y: ['span'],
          title: 'Allowed within 500 ms (limit is 10 per second)',
        },
      });

      // ── 3. What each costs in Redis memory ─────────────────────────────────────────────────────
      const memory = await memoryPerKey(admin, ns);
      ctx.log('');
      ctx.log(
        `Redis memory for one key holding ${LIMIT} requests: sliding log ${memory.slidingLog} B, fixed-window counter ${memory.fixedWindow} B`,
      );
      ctx.record.table({
        id: 'memory-per-key',
        title: `Redis MEMORY USAGE of one key after ${LIMIT} requests in the window`,
        columns: [
          { key: 'limiter', label: 'Limiter' },
          { key: 'bytes', label: 'Bytes per key', unit: 'B' },
        ],
        rows: [
          { limiter: 'Sliding log (sorted set)', bytes: memory.slidingLog },
          { limiter: 'Fixed window (rate-limiter-flexible counter)', bytes: memory.fixedWindow },
        ],
        chart: { type: 'bar', x: 'limiter', y: ['bytes'], title: `Bytes per key at ${LIMIT} requests` },
      });

      // ── 4. Throughput and latency against rate-limiter-flexible, same Redis, same load ─────────
      ctx.signal.throwIfAborted();
      const rounds = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 300 : 1_000;
      const warmupOps = ctx.quick ? 50 : 300;
      ctx.log('');
      ctx.log(
        `Benchmark: ${BENCH_CONCURRENCY} concurrent callers, one connection per limiter, ` +
          `${rounds} alternating round(s) of ${durationMs} ms each`,
      );
      const bench = await benchmark(url, ns, admin, {
        rounds,
        durationMs,
        warmupOps,
        signal: ctx.signal,
        progress: ctx.progress,
      });
      for (const row of bench) {
        ctx.log(
          `  ${row.scenario.padEnd(38)} sliding log ${fmt(row.slidingOps)} ops/s, p99 ${row.slidingP99} ms, ` +
            `Redis ${row.slidingServerUs} µs/call | fixed window ${fmt(row.fixedOps)} ops/s, p99 ${row.fixedP99} ms, ` +
            `Redis ${row.fixedServerUs} µs/call`,
        );
      }
      ctx.record.table({
        id: 'throughput',
        title: `Sliding log (this POC) vs rate-limiter-flexible RateLimiterRedis, ${BENCH_CONCURRENCY} concurrent callers`,
        columns: [
          { key: 'scenario', label: 'Path' },
          { key: 'slidingOps', label: 'Sliding log ops/s', unit: 'ops/s' },
          { key: 'fixedOps', label: 'Fixed window ops/s', unit: 'ops/s' },
          { key: 'slidingP50', label: 'Sliding log p50', unit: 'ms' },
          { key: 'fixedP50', label: 'Fixed window p50', unit: 'ms' },
          { key: 'slidingP99', label: 'Sliding log p99', unit: 'ms' },
          { key: 'fixedP99', label: 'Fixed window p99', unit: 'ms' },
          { key: 'slidingServerUs', label: 'Sliding log Redis time per call', unit: 'µs' },
          { key: 'fixedServerUs', label: 'Fixed window Redis time per call', unit: 'µs' },
        ],
        rows: bench,
        chart: {
          type: 'bar',
          x: 'scenario',
          y: ['slidingOps', 'fixedOps'],
          title: 'Throughput (higher is better)',
        },
      });
      const allowedPath = bench[0]!;
      const baselineLabel = 'rate-limiter-flexible RateLimiterRedis (fixed window)';
      const candidateLabel = 'SlidingWindowLimiter (sliding log)';
      ctx.record.compare({
        id: 'ops-allowed-path',
        title: 'Throughput on the allowed path',
        unit: 'ops/s',
        better: 'higher',
        baseline: { label: baselineLabel, value: allowedPath.fixedOps },
        candidate: { label: candidateLabel, value: allowedPath.slidingOps },
      });
      ctx.record.compare({
        id: 'p99-allowed-path',
        title: 'p99 latency on the allowed path',
        unit: 'ms',
        better: 'lower',
        baseline: { label: baselineLabel, value: allowedPath.fixedP99 },
        candidate: { label: candidateLabel, value: allowedPath.slidingP99 },
      });
      ctx.record.note(
        'rate-limiter-flexible RateLimiterRedis is a fixed-window counter whose window opens at the key’s first request; ' +
          'configured here with the same limit and window (points/duration) on the same Redis. It answers a denial by rejecting ' +
          'with a RateLimiterRes, counted here as a denial, not an error.',
      );
      ctx.record.note(
        'Both run one Lua script per call via EVALSHA on one ioredis connection each; the sliding log also arms a timeout ' +
          'timer per call. The two took turns in rounds (A B, B A, ...); ops/s is over all rounds, p50/p99 the median round. ' +
          'Redis time per call is INFO commandstats EVALSHA usec/calls over the measurement (it would include other ' +
          'clients’ EVALSHA calls if the Redis were shared).',
      );
    } finally {
      await deleteKeys(admin, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});

// #region naive-race
/**
 * The same sliding-log check without a script: read the count, then write if under the limit.
 * Two round trips leave a gap in which 199 other callers read the same count.
 */
async function naiveRace(connections: Redis[], key: string): Promise<number> {
  const attempt = async (redis: Redis, i: number) => {
    const now = Date.now();
    const [, count] =
      (await redis
        .multi()
        .zremrangebyscore(key, '-inf', now - 60_000)
        .zcard(key)
        .exec()) ?? [];
    if (Number(count?.[1]) >= LIMIT) return false;
    await redis.zadd(key, now, `${i}`);
    return true;
  };
  const results = await Promise.all(
    Array.from({ length: CALLERS }, (_, i) => attempt(connections[i % connections.length]!, i)),
  );
  return results.filter(Boolean).length;
}
// #endregion naive-race

// #region boundary-burst
/** 1 request at t=0, 20 at t=700 ms, 20 at t=1200 ms against a limit of 10 per second. */
async function boundaryBurst(redis: Redis, ns: string) {
  const sliding = new SlidingWindowLimiter({ redis, limit: 10, windowMs: 1_000, keyPrefix: `${ns}:swl:` });
  // rate-limiter-flexible: `points` per `duration` seconds; its window starts at the key's first request.
  const fixed = new RateLimiterRedis({ storeClient: redis, points: 10, duration: 1, keyPrefix: `${ns}:rlf` });
  const limiters = [
    { name: 'Sliding log (this POC)', consume: async () => (await sliding.consume('edge')).allowed },
    { name: 'Fixed window (rate-limiter-flexible)', consume: () => consumeFixed(fixed, 'edge') },
  ];
  const burst = async (consume: () => Promise<boolean>, n: number) =>
    (await Promise.all(Array.from({ length: n }, consume))).filter(Boolean).length;

  const start = performance.now();
  const at = (ms: number) => sleep(ms - (performance.now() - start));
  const t0 = await Promise.all(limiters.map((l) => burst(l.consume, 1)));
  await at(700);
  const t700 = await Promise.all(limiters.map((l) => burst(l.consume, 20)));
  await at(1_200);
  const t1200 = await Promise.all(limiters.map((l) => burst(l.consume, 20)));
  return limiters.map((l, i) => ({
    limiter: l.name,
    t0: t0[i]!,
    t700: t700[i]!,
    t1200: t1200[i]!,
    span: t700[i]! + t1200[i]!,
  }));
}
// #endregion boundary-burst

/** rate-limiter-flexible rejects with a RateLimiterRes on a denial; anything else is a real error. */
function consumeFixed(limiter: RateLimiterRedis, key: string): Promise<boolean> {
  return limiter.consume(key).then(
    () => true,
    (rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    },
  );
}

async function memoryPerKey(redis: Redis, ns: string) {
  const sliding = new SlidingWindowLimiter({
    redis,
    limit: LIMIT,
    windowMs: 60_000,
    keyPrefix: `${ns}:swl:`,
  });
  const fixed = new RateLimiterRedis({
    storeClient: redis,
    points: LIMIT,
    duration: 60,
    keyPrefix: `${ns}:rlf`,
  });
  for (let i = 0; i < LIMIT; i++) {
    await sliding.consume('memory');
    await consumeFixed(fixed, 'memory');
  }
  return {
    slidingLog: (await redis.memory('USAGE', `${ns}:swl:memory`)) ?? 0,
    fixedWindow: (await redis.memory('USAGE', fixed.getKey('memory'))) ?? 0,
  };
}

// #region benchmark
interface BenchOptions {
  rounds: number;
  durationMs: number;
  warmupOps: number;
  signal: AbortSignal;
  progress: (step: string, done?: number, total?: number) => void;
}

/**
 * Same Redis, same concurrency, same limit and window, one fresh connection each.
 * Allowed path: a limit too high to reach, spread over 1,000 users, so every call admits and writes.
 * Denied path: one exhausted key, so every call is refused.
 * The two limiters take turns in short rounds (A B, then B A, ...) so that a noisy neighbour on a
 * shared machine slows both alike instead of whichever happened to run at that moment.
 */
async function benchmark(url: string, ns: string, admin: Redis, options: BenchOptions) {
  const slidingRedis = new Redis(url);
  const fixedRedis = new Redis(url);
  try {
    const build = (limit: number) => ({
      sliding: new SlidingWindowLimiter({
        redis: slidingRedis,
        limit,
        windowMs: 60_000,
        keyPrefix: `${ns}:bench-swl:${limit}:`,
      }),
      // The closest equivalent: same points per same duration (whole seconds), same Redis, same client library.
      fixed: new RateLimiterRedis({
        storeClient: fixedRedis,
        points: limit,
        duration: 60,
        keyPrefix: `${ns}:bench-rlf:${limit}`,
      }),
    });
    const high = build(1_000_000_000);
    const low = build(LIMIT);
    for (let i = 0; i < LIMIT; i++) {
      await low.sliding.consume('hot');
      await consumeFixed(low.fixed, 'hot');
    }
    const salt = randomBytes(2).toString('hex');
    const user = (i: number) => `user:${salt}:${i % BENCH_USERS}`;
    const scenarios = [
      {
        name: 'Allowed path (every call admits)',
        sliding: (i: number) => high.sliding.consume(user(i)),
        fixed: (i: number) => consumeFixed(high.fixed, user(i)),
      },
      {
        name: 'Denied path (one key past its limit)',
        sliding: () => low.sliding.consume('hot'),
        fixed: () => consumeFixed(low.fixed, 'hot'),
      },
    ];

    const total = options.rounds * scenarios.length * 2;
    let done = 0;
    const rows = [];
    for (const scenario of scenarios) {
      const results = { sliding: [] as LoadResult[], fixed: [] as LoadResult[] };
      const server = { sliding: { calls: 0, usec: 0 }, fixed: { calls: 0, usec: 0 } };
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? (['sliding', 'fixed'] as const) : (['fixed', 'sliding'] as const);
        for (const which of order) {
          options.progress(`${scenario.name}: ${which}`, done++, total);
          const before = await evalshaStats(admin);
          const result = await runLoad(scenario[which], {
            concurrency: BENCH_CONCURRENCY,
            durationMs: options.durationMs,
            warmupOps: options.warmupOps,
            signal: options.signal,
          });
          if (result.errors > 0) throw new Error(`benchmark calls failed: ${result.errorSamples.join('; ')}`);
          results[which].push(result);
          const after = await evalshaStats(admin);
          server[which].calls += after.calls - before.calls;
          server[which].usec += after.usec - before.usec;
        }
      }
      const sliding = summarize(results.sliding);
      const fixed = summarize(results.fixed);
      rows.push({
        scenario: scenario.name,
        slidingOps: sliding.opsPerSec,
        fixedOps: fixed.opsPerSec,
        slidingP50: sliding.p50,
        fixedP50: fixed.p50,
        slidingP99: sliding.p99,
        fixedP99: fixed.p99,
        slidingServerUs: round(server.sliding.usec / server.sliding.calls, 2),
        fixedServerUs: round(server.fixed.usec / server.fixed.calls, 2),
      });
    }
    options.progress('benchmark', total, total);
    return rows;
  } finally {
    await Promise.all([slidingRedis.quit(), fixedRedis.quit()]);
  }
}

/**
 * Redis's own count of EVALSHA calls and the microseconds it spent executing them (INFO commandstats):
 * the server-side cost of one check, without network or client time. Both limiters call EVALSHA.
 */
async function evalshaStats(redis: Redis): Promise<{ calls: number; usec: number }> {
  const match = /^cmdstat_evalsha:calls=(\d+),usec=(\d+)/m.exec(await redis.info('commandstats'));
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}

/** Throughput over all rounds together; latency percentiles as the median of the rounds'. */
function summarize(rounds: LoadResult[]) {
  const ops = rounds.reduce((sum, r) => sum + r.ops, 0);
  const ms = rounds.reduce((sum, r) => sum + r.elapsedMs, 0);
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    opsPerSec: round(ops / (ms / 1000), 0),
    p50: median(rounds.map((r) => r.latency.p50)),
    p99: median(rounds.map((r) => r.latency.p99)),
  };
}
// #endregion benchmark

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}
