import { Redis } from 'ioredis';
import pg from 'pg';
import { defineDemo, deleteRedisKeys, LatencyRecorder, round } from '../../../src/lab/index.ts';
import { measureExpirySpread } from './expirySpread.ts';
import { StringCache } from './StringCache.ts';
import { type Product, slowProductLoader } from './slowQuery.ts';

const LOAD_DELAY_MS = 10;
const CONCURRENCY = 8;

/** Zipf-like popularity (weight 1/rank): a few hot products, a long tail, like most catalogues. */
function zipfPicker(n: number): () => string {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 1; rank <= n; rank++) {
    total += 1 / rank;
    cumulative.push(total);
  }
  return () => {
    const r = Math.random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < r) lo = mid + 1;
      else hi = mid;
    }
    return String(lo + 1);
  };
}

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const pool = new pg.Pool({ connectionString: ctx.service('postgres').url, max: CONCURRENCY });
    const ns = ctx.namespace;
    try {
      // ── 1. Hit ratio and latency, hit vs miss ───────────────────────────────────────────────
      const products = 1_000;
      const requests = ctx.quick ? 600 : 6_000;
      const cache = new StringCache<Product>({
        redis,
        keyPrefix: `${ns}:product:`,
        ttlSeconds: 300,
        jitter: 0.1,
        load: slowProductLoader(pool, LOAD_DELAY_MS),
      });
      const direct = slowProductLoader(pool, LOAD_DELAY_MS);
      const hits = new LatencyRecorder();
      const misses = new LatencyRecorder();
      const noCache = new LatencyRecorder();
      const pick = zipfPicker(products);
      let next = 0;
      ctx.progress('cache-aside under Zipf traffic', 0, requests);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < requests) {
            ctx.signal.throwIfAborted();
            next++;
            const id = pick();
            const t0 = performance.now();
            const read = await cache.get(id);
            (read.hit ? hits : misses).recordMs(performance.now() - t0);
            if (next % 500 === 0) ctx.progress('cache-aside under Zipf traffic', next, requests);
          }
        }),
      );
      // The same source without a cache, for the baseline every request would pay.
      const baselineRequests = ctx.quick ? 50 : 400;
      for (let i = 0; i < baselineRequests; i++) {
        await noCache.time(() => direct(pick(), AbortSignal.timeout(2_000)));
      }
      const h = hits.summary();
      const m = misses.summary();
      const n = noCache.summary();
      const hitRatio = round((100 * h.count) / (h.count + m.count), 1);
      ctx.log(
        `${requests} reads of ${products} products (Zipf), ${CONCURRENCY} concurrent, loader = PostgreSQL + pg_sleep(${LOAD_DELAY_MS} ms):`,
      );
      ctx.log(`  hit ratio ${hitRatio} %  (${h.count} hits, ${m.count} misses)`);
      ctx.log(`  hit   p50 ${h.p50} ms  p99 ${h.p99} ms`);
      ctx.log(`  miss  p50 ${m.p50} ms  p99 ${m.p99} ms`);
      ctx.log(`  no cache p50 ${n.p50} ms  p99 ${n.p99} ms`);
      ctx.record.figure('hit-ratio', `Hit ratio over ${requests} Zipf-distributed reads`, hitRatio, '%');
      ctx.record.figure('hit-p50', 'Cache hit p50', h.p50, 'ms');
      ctx.record.figure('miss-p50', 'Cache miss p50 (GET + PostgreSQL + SET)', m.p50, 'ms');
      ctx.record.table({
        id: 'hit-vs-miss',
        title: `Read latency by path (loader: PostgreSQL with pg_sleep ${LOAD_DELAY_MS} ms, ${CONCURRENCY} concurrent readers)`,
        columns: [
          { key: 'path', label: 'Path' },
          { key: 'count', label: 'Reads' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows: [
          { path: 'hit (GET)', count: h.count, p50: h.p50, p99: h.p99 },
          { path: 'miss (GET, load, SET EX)', count: m.count, p50: m.p50, p99: m.p99 },
          { path: 'no cache (load only, one at a time)', count: n.count, p50: n.p50, p99: n.p99 },
        ],
        chart: { type: 'bar', x: 'path', y: ['p50', 'p99'], title: 'Latency per path (lower is better)' },
      });
      ctx.record.compare({
        id: 'p50-hit-vs-miss',
        title: 'p50 read latency: miss vs hit',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'miss (load from PostgreSQL)', value: m.p50 },
        candidate: { label: 'hit (Redis GET)', value: h.p50 },
      });

      // ── 2. TTL expiry, observed ─────────────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('observing a 1 s TTL');
      const shortLived = new StringCache({
        redis,
        keyPrefix: `${ns}:short:`,
        ttlSeconds: 1,
        load: async () => 'v',
      });
      await shortLived.get('k');
      const setAt = performance.now();
      while ((await redis.exists(`${ns}:short:k`)) === 1) {
        if (performance.now() - setAt > 5_000) throw new Error('a 1 s key did not expire within 5 s');
        await new Promise((r) => setTimeout(r, 10));
      }
      const expiredAfter = Math.round(performance.now() - setAt);
      const reread = await shortLived.get('k');
      ctx.log('');
      ctx.log(
        `SET EX 1: key gone after ${expiredAfter} ms; the next read was a ${reread.hit ? 'hit' : 'miss'}`,
      );
      ctx.record.figure('observed-expiry-ms', 'A key set with EX 1 was gone after', expiredAfter, 'ms');

      // ── 3. Synchronized expiry, without and with jitter ─────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('expiry spread');
      const warmed = ctx.quick ? 300 : 5_000;
      const ids = Array.from({ length: warmed }, (_, i) => `w${i}`);
      const spread = async (label: string, jitter: number) => {
        const prefix = `${ns}:warm${jitter}:`;
        const c = new StringCache({
          redis,
          keyPrefix: prefix,
          ttlSeconds: 600,
          jitter,
          load: async (id) => id,
        });
        for (let i = 0; i < ids.length; i += 500)
          await Promise.all(ids.slice(i, i + 500).map((id) => c.get(id)));
        return {
          label,
          ...(await measureExpirySpread(
            redis,
            ids.map((id) => prefix + id),
          )),
        };
      };
      const rows = [await spread('TTL 600 s, no jitter', 0), await spread('TTL 600 s ± 10 % jitter', 0.1)];
      ctx.log('');
      ctx.log(`${warmed} entries cached in one warm-up burst:`);
      for (const r of rows) {
        ctx.log(
          `  ${r.label.padEnd(24)} expire over ${r.distinctSeconds} s, at most ${r.largestSameSecond} in one second`,
        );
      }
      ctx.record.table({
        id: 'expiry-spread',
        title: `${warmed} entries cached in one warm-up burst: when do they expire?`,
        columns: [
          { key: 'label', label: 'TTL' },
          { key: 'distinctSeconds', label: 'Distinct expiry seconds' },
          { key: 'largestSameSecond', label: 'Most keys expiring in one second' },
        ],
        rows,
        chart: {
          type: 'bar',
          x: 'label',
          y: ['largestSameSecond'],
          title: 'Largest same-second expiry burst',
        },
      });
      ctx.record.compare({
        id: 'same-second-expiries',
        title: 'Most entries expiring in the same second',
        unit: 'keys',
        better: 'lower',
        baseline: { label: 'no jitter', value: rows[0]!.largestSameSecond },
        candidate: { label: '± 10 % jitter', value: rows[1]!.largestSameSecond },
      });
      ctx.record.note(
        'Expiry seconds come from EXPIRETIME (absolute Unix time of expiry). Every key expiring in the same second becomes ' +
          'a miss, and a query on the source, at about the same moment.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
      await pool.end();
    }
  },
});
