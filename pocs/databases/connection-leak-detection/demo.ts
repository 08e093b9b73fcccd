import { Pool } from 'pg';
import { createPgSchema, type DemoContext, defineDemo, round, runLoad } from '../../../src/lab/index.ts';
import { captureAcquireSite } from './acquireSite.ts';
import { LeakDetectingPool, type LeakReport } from './LeakDetectingPool.ts';
import { createOrderTables, placeOrder, placeOrderLeaky, placeOrderOneStatement } from './orders.ts';
import { type OrderHandler, sendOrders } from './traffic.ts';

interface Variant {
  id: 'leaky' | 'leaky-reclaim' | 'finally' | 'one-statement';
  label: string;
  handler: OrderHandler;
  /** Recovery stop-gap: destroy each connection as soon as it is reported as leaked. */
  reclaim?: boolean;
}

const VARIANTS: Variant[] = [
  { id: 'leaky', label: 'Leaky handler (no release on error path)', handler: placeOrderLeaky },
  {
    id: 'leaky-reclaim',
    label: 'Leaky handler + reclaim on detection',
    handler: placeOrderLeaky,
    reclaim: true,
  },
  { id: 'finally', label: 'Fixed: release in finally', handler: placeOrder },
  { id: 'one-statement', label: 'Fixed: one statement via pool.query()', handler: placeOrderOneStatement },
];

interface Row {
  variant: string;
  requests: number;
  ordersPlaced: number;
  outOfStock: number;
  checkoutTimeouts: number;
  firstTimeoutAt: number | null;
  leaksReported: number;
  reclaimed: number;
  longestCheckoutMs: number;
  reportedSite: string;
  [key: string]: number | string | null;
}

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('postgres').url;
    const admin = new Pool({ connectionString: url, max: 1, application_name: `${ctx.namespace}-admin` });
    const schema = await createPgSchema(admin, ctx.namespace);
    try {
      const setup = new Pool({ connectionString: url, options: schema.options, max: 1 });
      await createOrderTables(setup).finally(() => setup.end());
      await leakScenarios(ctx, url, schema.options);
      await overhead(ctx, url, schema.options);
    } finally {
      await schema.drop();
      await admin.end();
    }
  },
});

async function leakScenarios(ctx: DemoContext, url: string, serverOptions: string): Promise<void> {
  const settings = {
    max: 5,
    checkoutTimeoutMs: ctx.quick ? 100 : 250,
    leakThresholdMs: ctx.quick ? 200 : 1000,
    requests: ctx.quick ? 16 : 40,
    errorEvery: ctx.quick ? 2 : 4,
  };
  ctx.log(
    `Traffic: ${settings.requests} orders one after another, every ${settings.errorEvery}th for a sold-out product ` +
      `(the handler's error path); pool of ${settings.max}, checkout timeout ${settings.checkoutTimeoutMs} ms, ` +
      `leak threshold ${settings.leakThresholdMs} ms`,
  );
  const rows: Row[] = [];
  let firstLeak: LeakReport | undefined;
  for (const variant of VARIANTS) {
    ctx.signal.throwIfAborted();
    ctx.progress('leak scenarios', rows.length, VARIANTS.length);
    // #region wire-up
    const leaks: LeakReport[] = [];
    const pool = new LeakDetectingPool({
      connectionString: url,
      serverOptions,
      name: variant.id,
      applicationName: `${ctx.namespace}-${variant.id}`,
      max: settings.max,
      checkoutTimeoutMs: settings.checkoutTimeoutMs,
      leakThresholdMs: settings.leakThresholdMs,
      checkIntervalMs: 50,
      onLeak: (leak) => {
        leaks.push(leak);
        // In production: log leak.acquiredAt.text and leak.stack, count it in a metric, page on the rate.
        if (variant.reclaim) pool.reclaimLeaked();
      },
    });
    // #endregion wire-up
    try {
      const traffic = await sendOrders(pool, variant.handler, { ...settings, signal: ctx.signal });
      // Give the detector one threshold's time to see the leaks of the last requests too.
      await sleep(settings.leakThresholdMs + 100);
      pool.checkNow();
      const snap = pool.snapshot();
      firstLeak ??= leaks[0];
      rows.push({
        variant: variant.label,
        requests: traffic.requests,
        ordersPlaced: traffic.ordersPlaced,
        outOfStock: traffic.outOfStock,
        checkoutTimeouts: traffic.checkoutTimeouts,
        firstTimeoutAt: traffic.firstTimeoutAt,
        leaksReported: snap.leaksDetected,
        reclaimed: snap.reclaimed,
        longestCheckoutMs: Math.round(Math.max(snap.longestCheckoutMs, snap.maxHoldMs)),
        reportedSite: leaks[0]?.acquiredAt.text ?? '-',
      });
      ctx.log(
        `  ${variant.label}: ${traffic.checkoutTimeouts} checkout timeouts` +
          (traffic.firstTimeoutAt ? `, pool exhausted at request ${traffic.firstTimeoutAt}` : '') +
          `, ${snap.leaksDetected} leaks reported` +
          (leaks[0] ? ` at ${leaks[0].acquiredAt.text} (${leaks[0].acquiredAt.function})` : ''),
      );
    } finally {
      await pool.close();
    }
  }
  ctx.progress('leak scenarios', VARIANTS.length, VARIANTS.length);

  ctx.record.table({
    id: 'leak-traffic',
    title: `A handler that leaks on its error path, and two fixes (pool of ${settings.max}, same traffic)`,
    columns: [
      { key: 'variant', label: 'Handler' },
      { key: 'requests', label: 'Requests' },
      { key: 'ordersPlaced', label: 'Orders placed' },
      { key: 'outOfStock', label: 'Sold out (expected error)' },
      { key: 'checkoutTimeouts', label: 'Checkout timeouts' },
      { key: 'firstTimeoutAt', label: 'Pool exhausted at request' },
      { key: 'leaksReported', label: 'Leaks reported' },
      { key: 'reclaimed', label: 'Reclaimed' },
      { key: 'longestCheckoutMs', label: 'Longest checkout', unit: 'ms' },
      { key: 'reportedSite', label: 'Reported acquire site' },
    ],
    rows,
    chart: {
      type: 'bar',
      x: 'variant',
      y: ['checkoutTimeouts', 'ordersPlaced'],
      title: 'Checkout timeouts and orders placed',
    },
  });
  const leaky = rows[0]!;
  const fixed = rows[2]!;
  ctx.record.figure(
    'requests-until-exhausted',
    'Leaky handler: requests until the pool was exhausted',
    leaky.firstTimeoutAt ?? 0,
  );
  ctx.record.figure('leaky-timeouts', 'Leaky handler: checkout timeouts', leaky.checkoutTimeouts);
  ctx.record.figure('fixed-timeouts', 'Fixed handler (finally): checkout timeouts', fixed.checkoutTimeouts);
  ctx.record.figure('leak-site', 'Acquire site named by the detector', firstLeak?.acquiredAt.text ?? '-');
  ctx.record.compare({
    id: 'leak-fix-orders',
    title: 'Orders placed: leaky handler vs release in finally (same traffic)',
    unit: 'orders',
    better: 'higher',
    baseline: { label: 'leaky', value: leaky.ordersPlaced },
    candidate: { label: 'finally', value: fixed.ordersPlaced },
  });
  if (firstLeak) {
    ctx.record.note(
      `First leak report, stack at checkout:\n${firstLeak.stack.split('\n').slice(1, 4).join('\n')}`,
    );
  }
}

/** What tracking costs: checkout + trivial query + release, plain pg.Pool vs the detecting wrapper. */
async function overhead(ctx: DemoContext, url: string, serverOptions: string): Promise<void> {
  const durationMs = ctx.quick ? 200 : 2000;
  const concurrency = 4;
  const plain = new Pool({ connectionString: url, options: serverOptions, max: concurrency });
  const detecting = new LeakDetectingPool({
    connectionString: url,
    serverOptions,
    max: concurrency,
    name: 'bench',
  });
  try {
    const measure = async (
      label: string,
      pool: { connect(): Promise<{ query(t: string): Promise<unknown>; release(): void }> },
    ) => {
      const op = async () => {
        const client = await pool.connect();
        try {
          await client.query('select 1');
        } finally {
          client.release();
        }
      };
      await runLoad(op, { concurrency, durationMs: durationMs / 4, signal: ctx.signal }); // warm-up
      const load = await runLoad(op, { concurrency, durationMs, signal: ctx.signal });
      return {
        label,
        opsPerSec: Math.round(load.opsPerSec),
        p50Ms: round(load.latency.p50, 3),
        p99Ms: round(load.latency.p99, 3),
      };
    };
    ctx.progress('overhead', 0, 2);
    // Alternate the order across two rounds and keep each side's better run: background load then
    // spoils one round, not the comparison.
    const results = {
      plain: [] as Awaited<ReturnType<typeof measure>>[],
      detecting: [] as Awaited<ReturnType<typeof measure>>[],
    };
    const rounds = ctx.quick ? 1 : 2;
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        results.plain.push(await measure('pg.Pool', plain));
        results.detecting.push(await measure('LeakDetectingPool', detecting));
      } else {
        results.detecting.push(await measure('LeakDetectingPool', detecting));
        results.plain.push(await measure('pg.Pool', plain));
      }
    }
    ctx.progress('overhead', 2, 2);
    const best = (list: Awaited<ReturnType<typeof measure>>[]) =>
      list.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    const a = best(results.plain);
    const b = best(results.detecting);

    // The capture alone, without the database: what every checkout pays for the stack.
    const captures = ctx.quick ? 10_000 : 200_000;
    const start = performance.now();
    for (let i = 0; i < captures; i++) captureAcquireSite();
    const captureUs = ((performance.now() - start) * 1000) / captures;

    ctx.record.table({
      id: 'tracking-overhead',
      title: `Checkout + select 1 + release, ${concurrency} callers: plain pg.Pool vs LeakDetectingPool`,
      columns: [
        { key: 'label', label: 'Pool' },
        { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
        { key: 'p50Ms', label: 'p50', unit: 'ms' },
        { key: 'p99Ms', label: 'p99', unit: 'ms' },
      ],
      rows: [a, b],
    });
    ctx.record.figure('capture-us', 'Stack capture per checkout (no formatting)', round(captureUs, 2), 'µs');
    ctx.record.compare({
      id: 'tracking-throughput',
      title: 'Throughput: pg.Pool vs LeakDetectingPool',
      unit: 'ops/s',
      better: 'higher',
      baseline: { label: 'pg.Pool', value: a.opsPerSec },
      candidate: { label: 'LeakDetectingPool', value: b.opsPerSec },
    });
    ctx.record.compare({
      id: 'tracking-p50',
      title: 'Median latency: pg.Pool vs LeakDetectingPool',
      unit: 'ms',
      better: 'lower',
      baseline: { label: 'pg.Pool', value: a.p50Ms },
      candidate: { label: 'LeakDetectingPool', value: b.p50Ms },
    });
    ctx.log(
      `Tracking overhead: pg.Pool ${a.opsPerSec} ops/s (p50 ${a.p50Ms} ms) vs LeakDetectingPool ${b.opsPerSec} ops/s ` +
        `(p50 ${b.p50Ms} ms); capturing the stack costs ${round(captureUs, 2)} µs per checkout`,
    );
  } finally {
    await plain.end();
    await detecting.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
