import { setTimeout as sleep } from 'node:timers/promises';
import {
  type Comparison,
  type DemoContext,
  defineDemo,
  LatencyRecorder,
  round,
  runLoad,
} from '../../../src/lab/index.ts';
import type { StarvationDiagnosis } from './detectStarvation.ts';
import { connectionsInUse, recommendedPoolSize } from './littlesLaw.ts';
import { MonitoredPool, PoolCheckoutTimeoutError } from './MonitoredPool.ts';
import { PoolSampler } from './PoolSampler.ts';

/**
 * A query with a realistic mix of costs: some server CPU (an aggregate over 20k generated rows)
 * plus a little waiting (pg_sleep stands in for I/O). With only CPU, the best pool size is the
 * core count; with only waiting, it is the concurrency. Real queries sit in between.
 */
const MIXED_QUERY = 'select (select sum(i) from generate_series(1, $1::int) i) as total, pg_sleep($2)';
const MIXED_PARAMS = [20_000, 0.003];
const FAST_QUERY = 'select $1::int as id';

interface SweepRow {
  poolSize: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  acquireWaitMeanMs: number;
  queryMeanMs: number;
  errors: number;
  [key: string]: number;
}

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('postgres').url;
    const rows = await sweepPoolSizes(ctx, url);
    if (rows.length > 0) reportSizing(ctx, rows);
    await starvation(ctx, url);
  },
});

/** Connections this run may open without crowding out other clients of a shared server. */
async function connectionBudget(url: string, namespace: string): Promise<number> {
  const admin = new MonitoredPool({
    connectionString: url,
    max: 1,
    name: 'admin',
    applicationName: `${namespace}-admin`,
  });
  try {
    const { rows } = await admin.query<{ free: number }>(
      `select current_setting('max_connections')::int
            - current_setting('superuser_reserved_connections')::int
            - (select count(*) from pg_stat_activity where backend_type = 'client backend')::int as free`,
    );
    return (rows[0]?.free ?? 0) - 10; // keep 10 for everyone else
  } finally {
    await admin.close();
  }
}

/** Concurrent callers in the sweep: more than the largest pool, so every pool size is kept busy. */
const sweepCallers = (ctx: DemoContext) => (ctx.quick ? 16 : 48);

// #region sweep
/** Same load, same query, only the pool size changes: where does throughput stop growing? */
async function sweepPoolSizes(ctx: DemoContext, url: string): Promise<SweepRow[]> {
  const callers = sweepCallers(ctx);
  const stepMs = ctx.quick ? 200 : 1000;
  const budget = await connectionBudget(url, ctx.namespace);
  const wanted = ctx.quick ? [1, 4, 16] : [1, 2, 4, 8, 16, 32, 48];
  const sizes = wanted.filter((size) => size <= budget);
  if (sizes.length < wanted.length) {
    ctx.log(
      `server has room for ${budget} more connections: skipping pool sizes ${wanted.filter((s) => s > budget)}`,
    );
  }
  // Two passes in opposite order, keeping each size's better run: a burst of background load on a
  // shared machine then spoils one measurement of a size, not the shape of the whole curve.
  const passes = ctx.quick ? [sizes] : [sizes, [...sizes].reverse()];
  const method = passes.length > 1 ? 'best of 2 passes (up, then down)' : 'one pass';
  ctx.log(
    `Sweep: ${callers} concurrent callers, mixed query (CPU + 3 ms wait), ${stepMs} ms per pool size, ${method}`,
  );

  const best = new Map<number, SweepRow>();
  const steps = passes.flat();
  for (const [i, size] of steps.entries()) {
    ctx.progress('pool size sweep', i, steps.length);
    const row = await measurePoolSize(ctx, url, size, callers, stepMs);
    if ((best.get(size)?.opsPerSec ?? -1) < row.opsPerSec) best.set(size, row);
  }
  ctx.progress('pool size sweep', steps.length, steps.length);
  return sizes.map((size) => best.get(size)!);
}

async function measurePoolSize(
  ctx: DemoContext,
  url: string,
  size: number,
  callers: number,
  stepMs: number,
): Promise<SweepRow> {
  const pool = new MonitoredPool({
    connectionString: url,
    name: `sweep-${size}`,
    max: size,
    checkoutTimeoutMs: 30_000, // measure queueing here, not timeouts
    applicationName: `${ctx.namespace}-sweep`,
  });
  try {
    await pool.prewarm(); // connection set-up is not what we measure
    const op = () => pool.query(MIXED_QUERY, MIXED_PARAMS, { signal: ctx.signal });
    await runLoad(op, { concurrency: callers, durationMs: stepMs / 5, signal: ctx.signal }); // warm-up
    pool.resetStats();
    const load = await runLoad(op, { concurrency: callers, durationMs: stepMs, signal: ctx.signal });
    const snap = pool.snapshot();
    return {
      poolSize: size,
      opsPerSec: Math.round(load.opsPerSec),
      p50Ms: round(load.latency.p50, 1),
      p99Ms: round(load.latency.p99, 1),
      acquireWaitMeanMs: round(snap.acquireWait.mean, 1),
      queryMeanMs: round(snap.hold.mean, 1),
      errors: load.errors,
    };
  } finally {
    await pool.close();
  }
}
// #endregion sweep

function reportSizing(ctx: DemoContext, rows: SweepRow[]): void {
  ctx.record.table({
    id: 'pool-size-sweep',
    title: `Throughput and latency vs pool size (fixed ${sweepCallers(ctx)} callers)`,
    columns: [
      { key: 'poolSize', label: 'Pool size' },
      { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
      { key: 'p50Ms', label: 'p50', unit: 'ms' },
      { key: 'p99Ms', label: 'p99', unit: 'ms' },
      { key: 'acquireWaitMeanMs', label: 'Mean wait for a connection', unit: 'ms' },
      { key: 'queryMeanMs', label: 'Mean time in the database', unit: 'ms' },
      { key: 'errors', label: 'Errors' },
    ],
    rows,
    chart: {
      type: 'line',
      x: 'poolSize',
      y: ['opsPerSec', 'p99Ms'],
      title: 'ops/s and p99 latency vs pool size',
    },
  });

  // #region knee
  const peak = Math.max(...rows.map((r) => r.opsPerSec));
  const knee = rows.find((r) => r.opsPerSec >= 0.95 * peak) ?? rows[rows.length - 1]!;
  // W must be the service time without database contention: the pool of 1 runs one query at a time.
  const uncontended = rows[0]!.queryMeanMs;
  const busy = connectionsInUse(peak, uncontended);
  const littleSize = recommendedPoolSize({ throughputPerSec: peak, meanQueryMs: uncontended, headroom: 1.2 });
  // #endregion knee

  ctx.record.figure('peak-throughput', 'Peak throughput', peak, 'ops/s');
  ctx.record.figure('knee-pool-size', 'Knee: smallest pool within 95% of peak throughput', knee.poolSize);
  ctx.record.figure('uncontended-query-ms', 'Mean query time with one connection (W)', uncontended, 'ms');
  ctx.record.figure('littles-law-busy', "Little's law: busy connections at peak (λ×W)", round(busy, 1));
  ctx.record.figure('littles-law-pool-size', "Little's law pool size (λ×W×1.2, rounded up)", littleSize);
  const last = rows[rows.length - 1]!;
  ctx.log(
    `Knee at pool size ${knee.poolSize} (${knee.opsPerSec} ops/s of peak ${peak}); Little's law: ` +
      `${peak} ops/s x ${uncontended} ms = ${round(busy, 1)} busy connections -> pool of ${littleSize} with 20% headroom`,
  );
  ctx.log(
    `Mean time a query holds its connection: ${rows[0]!.queryMeanMs} ms with 1 connection, ` +
      `${knee.queryMeanMs} ms at the knee (${knee.poolSize}), ${last.queryMeanMs} ms with ${last.poolSize}: ` +
      'past the knee, more connections move the queue from the pool into the database',
  );
  ctx.record.note(
    `Knee (smallest pool size within 95% of peak throughput): ${knee.poolSize}. Little's law with the measured peak ` +
      `(${peak} ops/s) and the single-connection query time (${uncontended} ms) gives ${round(busy, 1)} busy ` +
      `connections, ${littleSize} with 20% headroom.`,
  );
}

interface Variant {
  id: 'shared' | 'statement-timeout' | 'bulkhead';
  label: string;
}

const VARIANTS: Variant[] = [
  { id: 'shared', label: 'Shared pool (3)' },
  { id: 'statement-timeout', label: 'Shared pool (3) + statement_timeout' },
  { id: 'bulkhead', label: 'Bulkhead: api pool (2) + reports pool (1)' },
];

interface VariantResult {
  variant: string;
  fastCalls: number;
  fastSuccessPct: number;
  checkoutTimeouts: number;
  fastP99Ms: number;
  acquireWaitP99Ms: number;
  slowCompleted: number;
  slowFailed: number;
  diagnosis: StarvationDiagnosis['status'];
  [key: string]: number | string;
}

/**
 * Three slow "report" callers and six fast "API" callers share three connections. The same
 * three connections are then protected two ways: a statement_timeout, and a bulkhead.
 */
async function starvation(ctx: DemoContext, url: string): Promise<void> {
  const durationMs = ctx.quick ? 500 : 4000;
  const slowSeconds = ctx.quick ? 0.3 : 1;
  const checkoutTimeoutMs = 200;
  ctx.log(
    `Starvation: 3 report callers (pg_sleep ${slowSeconds}s) + 6 API callers (1 query per ~5 ms, may wait ` +
      `${checkoutTimeoutMs} ms for a connection), 3 connections in total; statement_timeout variant: ${slowSeconds * 500} ms`,
  );

  const results: VariantResult[] = [];
  for (const variant of VARIANTS) {
    ctx.signal.throwIfAborted();
    ctx.progress('starvation scenarios', results.length, VARIANTS.length);
    // #region bulkhead
    const common = { connectionString: url, applicationName: `${ctx.namespace}-${variant.id}` };
    const api = new MonitoredPool({
      ...common,
      name: variant.id === 'bulkhead' ? 'api' : 'shared',
      max: variant.id === 'bulkhead' ? 2 : 3,
      checkoutTimeoutMs,
      // The guard rail: the server cancels any statement on this pool that runs past half the
      // report's normal time. It caps how long a report can hold a connection; it does not isolate.
      statementTimeoutMs: variant.id === 'statement-timeout' ? slowSeconds * 500 : 0,
    });
    // The bulkhead: slow work gets its own small pool, so it can only ever take that one connection.
    // Reports wait longer for it (a generous checkout timeout) and keep a generous statement_timeout.
    const reports =
      variant.id === 'bulkhead'
        ? new MonitoredPool({
            ...common,
            name: 'reports',
            max: 1,
            checkoutTimeoutMs: 10_000,
            statementTimeoutMs: 5_000,
          })
        : api;
    // #endregion bulkhead
    const sampler = new PoolSampler(api, { intervalMs: 100, windowSize: 200 });
    try {
      await api.prewarm();
      if (reports !== api) await reports.prewarm();
      api.resetStats();
      sampler.start();
      // runLoad's own latency would include the 5 ms of non-database work; this times the query alone.
      const fastLatency = new LatencyRecorder();
      let fastTimeouts = 0;
      const slowOp = () => reports.query('select pg_sleep($1)', [slowSeconds], { signal: ctx.signal });
      const fastOp = async (i: number) => {
        await sleep(5); // the rest of an API request's work
        await fastLatency
          .time(() => api.query(FAST_QUERY, [i], { signal: ctx.signal }))
          .catch((error) => {
            if (error instanceof PoolCheckoutTimeoutError) fastTimeouts++;
            throw error;
          });
      };
      const [slow, fast] = await Promise.all([
        runLoad(slowOp, { concurrency: 3, durationMs, signal: ctx.signal }),
        runLoad(fastOp, { concurrency: 6, durationMs, signal: ctx.signal }),
      ]);
      sampler.stop();
      const snap = api.snapshot();
      const diagnosis = sampler.diagnose({ maxAcquireWaitMs: 50 });
      ctx.log(`  ${variant.label}: detector says ${diagnosis.summary}`);
      if (variant.id === 'shared') for (const advice of diagnosis.advice) ctx.log(`    -> ${advice}`);
      results.push({
        variant: variant.label,
        fastCalls: fast.ops,
        fastSuccessPct: fast.ops === 0 ? 0 : round(((fast.ops - fast.errors) / fast.ops) * 100, 1),
        checkoutTimeouts: fastTimeouts,
        fastP99Ms: round(fastLatency.summary().p99, 1),
        acquireWaitP99Ms: round(snap.acquireWait.p99, 1),
        slowCompleted: slow.ops - slow.errors,
        slowFailed: slow.errors,
        diagnosis: diagnosis.status,
      });
    } finally {
      sampler.stop();
      await api.close();
      if (reports !== api) await reports.close();
    }
  }
  ctx.progress('starvation scenarios', VARIANTS.length, VARIANTS.length);

  ctx.record.table({
    id: 'starvation',
    title: 'Slow queries starving fast callers, and two fixes (same 3 connections)',
    columns: [
      { key: 'variant', label: 'Set-up' },
      { key: 'fastCalls', label: 'API calls' },
      { key: 'fastSuccessPct', label: 'API calls that got a connection', unit: '%' },
      { key: 'checkoutTimeouts', label: 'API checkout timeouts' },
      { key: 'fastP99Ms', label: 'API p99', unit: 'ms' },
      { key: 'acquireWaitP99Ms', label: 'API pool acquire wait p99', unit: 'ms' },
      { key: 'slowCompleted', label: 'Reports completed' },
      { key: 'slowFailed', label: 'Reports failed' },
      { key: 'diagnosis', label: 'Detector' },
    ],
    rows: results,
    chart: { type: 'bar', x: 'variant', y: ['fastSuccessPct'], title: 'API calls that got a connection (%)' },
  });
  const shared = results.find((r) => r.variant === VARIANTS[0]!.label)!;
  const bulkhead = results.find((r) => r.variant === VARIANTS[2]!.label)!;
  const sharedVsBulkhead = (
    spec: Omit<Comparison, 'baseline' | 'candidate' | 'ratio'>,
    key: 'fastSuccessPct' | 'fastP99Ms',
  ) =>
    ctx.record.compare({
      ...spec,
      baseline: { label: 'shared pool', value: shared[key] },
      candidate: { label: 'bulkhead', value: bulkhead[key] },
    });
  sharedVsBulkhead(
    {
      id: 'bulkhead-success',
      title: 'API calls that got a connection: shared pool vs bulkhead',
      unit: '%',
      better: 'higher',
    },
    'fastSuccessPct',
  );
  sharedVsBulkhead(
    {
      id: 'bulkhead-p99',
      title: 'API call p99 latency: shared pool vs bulkhead',
      unit: 'ms',
      better: 'lower',
    },
    'fastP99Ms',
  );
}
