import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { fillSet, memoryUsage } from '../redis-bitmap-analytics/memoryUsage.ts';
import {
  distinctItems,
  hllEncoding,
  pfaddAll,
  REDIS_HLL_STANDARD_ERROR,
  relativeError,
} from './hyperLogLog.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => Math.round(x * 100_000) / 1_000; // percent with 3 decimals

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    const sizes = ctx.quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];
    try {
      // ── 1. One HLL grown to 1M distinct items: error and memory at each size ──────────────
      const key = `${ns}:grow`;
      const rows = [];
      let added = 0;
      for (const size of sizes) {
        ctx.signal.throwIfAborted();
        ctx.progress(`PFADD up to ${fmt(size)}`);
        await pfaddAll(redis, key, distinctItems('visitor', added, size - added));
        added = size;
        const estimate = await redis.pfcount(key);
        rows.push({
          exact: fmt(size),
          estimate,
          errorPct: pct(relativeError(estimate, size)),
          hllBytes: await memoryUsage(redis, key),
          encoding: await hllEncoding(redis, key),
        });
      }
      ctx.log('Distinct items   PFCOUNT      error    HLL memory  encoding');
      for (const r of rows) {
        ctx.log(
          `${r.exact.padStart(14)} ${fmt(r.estimate).padStart(9)} ${`${r.errorPct} %`.padStart(10)} ${`${fmt(r.hllBytes)} B`.padStart(13)}  ${r.encoding}`,
        );
      }
      ctx.record.table({
        id: 'error-by-size',
        title: 'PFCOUNT against the exact count as one HyperLogLog grows',
        columns: [
          { key: 'exact', label: 'Exact distinct' },
          { key: 'estimate', label: 'PFCOUNT' },
          { key: 'errorPct', label: 'Error', unit: '%' },
          { key: 'hllBytes', label: 'MEMORY USAGE', unit: 'B' },
          { key: 'encoding', label: 'Encoding' },
        ],
        rows,
        chart: { type: 'bar', x: 'exact', y: ['errorPct'], title: 'Signed error (%) by cardinality' },
      });
      const largest = rows.at(-1)!;
      ctx.record.figure(
        'error-largest',
        `Error of PFCOUNT at ${largest.exact} distinct items`,
        largest.errorPct,
        '%',
      );
      ctx.record.figure(
        'hll-bytes-largest',
        `HyperLogLog memory at ${largest.exact} distinct items`,
        largest.hllBytes,
        'B',
      );

      // ── 2. The same items in a SET: exact, and memory proportional to the count ───────────
      ctx.progress(`SET of ${fmt(added)} items`);
      const setKey = `${ns}:set`;
      await fillSet(redis, setKey, [...distinctItems('visitor', 0, added)]);
      const setBytes = await memoryUsage(redis, setKey);
      const setCount = await redis.scard(setKey);
      await redis.unlink(setKey);
      ctx.log('');
      ctx.log(`The same ${fmt(added)} items in a SET: SCARD ${fmt(setCount)} (exact), ${fmt(setBytes)} B`);
      ctx.record.figure('set-bytes-largest', `SET memory at ${largest.exact} distinct items`, setBytes, 'B');
      // A ratio here would round to 0: a table says it better.
      ctx.record.table({
        id: 'memory',
        title: `Memory to count ${largest.exact} distinct items`,
        columns: [
          { key: 'structure', label: 'Structure' },
          { key: 'count', label: 'Count reported' },
          { key: 'bytes', label: 'MEMORY USAGE', unit: 'B' },
          { key: 'bytesPerItem', label: 'Per item', unit: 'B' },
        ],
        rows: [
          {
            structure: 'SET (SCARD, exact)',
            count: setCount,
            bytes: setBytes,
            bytesPerItem: Math.round((setBytes / added) * 100) / 100,
          },
          {
            structure: 'HyperLogLog (PFCOUNT, approximate)',
            count: largest.estimate,
            bytes: largest.hllBytes,
            bytesPerItem: Math.round((largest.hllBytes / added) * 10_000) / 10_000,
          },
        ],
      });

      // ── 3. Sparse → dense: memory as a fresh HLL fills ────────────────────────────────────
      ctx.progress('sparse to dense');
      const fresh = `${ns}:fresh`;
      const trace = [];
      const step = 250;
      for (let n = step; n <= 5_000; n += step) {
        await pfaddAll(redis, fresh, distinctItems('early', n - step, step));
        trace.push({
          items: n,
          bytes: await memoryUsage(redis, fresh),
          encoding: await hllEncoding(redis, fresh),
        });
      }
      const firstDense = trace.find((t) => t.encoding === 'dense');
      const sparseMax = (await redis.config('GET', 'hll-sparse-max-bytes')) as string[];
      ctx.log('');
      ctx.log(
        `Sparse → dense: ${trace[0]!.bytes} B at ${trace[0]!.items} items; dense (${firstDense ? `${fmt(firstDense.bytes)} B` : 'not reached'}) ` +
          `from ${firstDense ? fmt(firstDense.items) : '—'} items (hll-sparse-max-bytes = ${sparseMax[1]})`,
      );
      ctx.record.table({
        id: 'sparse-to-dense',
        title: `MEMORY USAGE of a fresh HyperLogLog every ${step} distinct items (hll-sparse-max-bytes = ${sparseMax[1]})`,
        columns: [
          { key: 'items', label: 'Distinct items' },
          { key: 'bytes', label: 'MEMORY USAGE', unit: 'B' },
          { key: 'encoding', label: 'Encoding' },
        ],
        rows: trace,
        chart: { type: 'line', x: 'items', y: ['bytes'], title: 'Bytes as the HLL fills' },
      });
      if (firstDense) {
        ctx.record.figure(
          'dense-from-items',
          'First step at which the HLL was dense',
          firstDense.items,
          'items',
        );
        ctx.record.figure('dense-bytes', 'Dense HyperLogLog memory', firstDense.bytes, 'B');
      }
      ctx.record.figure('sparse-bytes-250', 'HyperLogLog memory at 250 items (sparse)', trace[0]!.bytes, 'B');

      // ── 4. Many independent HLLs: the spread of the error vs the documented 0.81 % ────────
      const trials = ctx.quick ? 8 : 20;
      const trialSize = ctx.quick ? 10_000 : 100_000;
      const errors: number[] = [];
      for (let t = 0; t < trials; t++) {
        ctx.signal.throwIfAborted();
        ctx.progress('independent trials', t, trials);
        const trialKey = `${ns}:trial:${t}`;
        await pfaddAll(redis, trialKey, distinctItems(`trial${t}`, 0, trialSize));
        errors.push(relativeError(await redis.pfcount(trialKey), trialSize));
        await redis.unlink(trialKey);
      }
      const rms = Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length);
      const worst = Math.max(...errors.map(Math.abs));
      ctx.log('');
      ctx.log(
        `${trials} independent HLLs of ${fmt(trialSize)} items: RMS error ${pct(rms)} %, worst ${pct(worst)} % (documented standard error ${REDIS_HLL_STANDARD_ERROR * 100} %)`,
      );
      ctx.record.figure('trials', 'Independent HyperLogLogs measured', trials);
      ctx.record.figure(
        'rms-error',
        `RMS error over ${trials} HLLs of ${fmt(trialSize)} items`,
        pct(rms),
        '%',
      );
      ctx.record.figure('worst-error', `Worst error over ${trials} HLLs`, pct(worst), '%');
      ctx.record.table({
        id: 'trials',
        title: `Signed error of ${trials} independent HyperLogLogs, ${fmt(trialSize)} distinct items each`,
        columns: [
          { key: 'trial', label: 'Trial' },
          { key: 'errorPct', label: 'Error', unit: '%' },
          { key: 'documentedPct', label: 'Documented standard error', unit: '%' },
        ],
        rows: errors.map((e, i) => ({
          trial: i + 1,
          errorPct: pct(e),
          documentedPct: REDIS_HLL_STANDARD_ERROR * 100,
        })),
        chart: {
          type: 'bar',
          x: 'trial',
          y: ['errorPct', 'documentedPct'],
          title: 'Error per trial vs 0.81 %',
        },
      });

      // ── 5. PFMERGE: weekly uniques from daily HLLs ────────────────────────────────────────
      ctx.progress('PFMERGE');
      const dayN = ctx.quick ? 20_000 : 200_000;
      const days = ['mon', 'tue', 'wed'];
      // Each day sees a window of visitors that overlaps the previous day by half.
      for (const [i, day] of days.entries()) {
        await pfaddAll(redis, `${ns}:day:${day}`, distinctItems('member', (i * dayN) / 2, dayN));
      }
      const exactUnion = ((days.length + 1) * dayN) / 2;
      await redis.pfmerge(`${ns}:week`, ...days.map((d) => `${ns}:day:${d}`));
      const merged = await redis.pfcount(`${ns}:week`);
      const sumOfDays = (await Promise.all(days.map((d) => redis.pfcount(`${ns}:day:${d}`)))).reduce(
        (a, b) => a + b,
        0,
      );
      ctx.log(
        `PFMERGE of ${days.length} daily HLLs (${fmt(dayN)} each, half overlapping): ${fmt(merged)} vs exact union ${fmt(exactUnion)} (sum of days ${fmt(sumOfDays)})`,
      );
      ctx.record.table({
        id: 'merge',
        title: `Weekly uniques from ${days.length} daily HyperLogLogs (${fmt(dayN)} visitors a day, half of them also there the day before)`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'count', label: 'Distinct visitors' },
        ],
        rows: [
          { method: 'Exact union', count: exactUnion },
          { method: 'PFMERGE, then PFCOUNT', count: merged },
          { method: 'Sum of daily PFCOUNTs (wrong)', count: sumOfDays },
        ],
        chart: { type: 'bar', x: 'method', y: ['count'], title: 'Weekly distinct visitors' },
      });
      ctx.record.figure(
        'merge-error',
        'PFMERGE error against the exact union',
        pct(relativeError(merged, exactUnion)),
        '%',
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await redis.quit();
    }
  },
});
