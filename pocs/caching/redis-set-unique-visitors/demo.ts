import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { memoryUsage } from '../redis-bitmap-analytics/memoryUsage.ts';
import { distinctItems, pfaddAll, relativeError } from '../redis-hyperloglog/hyperLogLog.ts';
import { runConcurrentVisits } from './concurrentVisits.ts';
import { UniqueVisitors } from './UniqueVisitors.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => Math.round(x * 100_000) / 1_000;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const connections = Array.from({ length: 8 }, () => new Redis(url));
    const redis = connections[0]!;
    const ns = ctx.namespace;
    try {
      // ── 1. Many app servers recording the same visitors at once ──────────────────────────
      ctx.progress('concurrent visits');
      const visitorCount = ctx.quick ? 1_000 : 5_000;
      const race = await runConcurrentVisits({
        connections,
        visitors: (c) => new UniqueVisitors({ redis: c, keyPrefix: `${ns}:uv:` }),
        racyPrefix: `${ns}:racy:`,
        visitorCount,
        visitsEach: 5,
        seed: 110,
      });
      ctx.log(
        `${fmt(race.visits)} visits by ${fmt(visitorCount)} visitors over ${connections.length} connections at once:`,
      );
      ctx.log(`  SADD + SCARD:                        ${fmt(race.setCount)}`);
      ctx.log(`  EXISTS, then SET + INCR (two steps): ${fmt(race.racyCount)}`);
      ctx.record.figure(
        'set-count',
        `SCARD after ${fmt(race.visits)} concurrent visits by ${fmt(visitorCount)} visitors`,
        race.setCount,
      );
      ctx.record.figure('racy-count', 'Check-then-increment counter after the same visits', race.racyCount);
      ctx.record.figure('true-visitors', 'Distinct visitors', visitorCount);
      ctx.record.table({
        id: 'concurrency',
        title: `${fmt(race.visits)} visits by ${fmt(visitorCount)} distinct visitors over ${connections.length} connections at once`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'counted', label: 'Unique visitors counted' },
          { key: 'truth', label: 'True distinct visitors' },
        ],
        rows: [
          { method: 'SADD to a SET, SCARD', counted: race.setCount, truth: visitorCount },
          { method: 'EXISTS seen-flag, then SET + INCR', counted: race.racyCount, truth: visitorCount },
        ],
        chart: { type: 'bar', x: 'method', y: ['counted', 'truth'], title: 'Counted vs true' },
      });

      // ── 2. Memory: exact SET vs HyperLogLog (#101) for the same visitors ─────────────────
      const sizes = ctx.quick ? [1_000, 10_000, 100_000] : [1_000, 10_000, 100_000, 1_000_000];
      const uv = new UniqueVisitors({ redis, keyPrefix: `${ns}:mem:` });
      const rows = [];
      for (const size of sizes) {
        ctx.signal.throwIfAborted();
        ctx.progress(`memory for ${fmt(size)} visitors`);
        const ids = [...distinctItems('visitor', 0, size)];
        await uv.visitMany('home', String(size), ids);
        const hllKey = `${ns}:hll:${size}`;
        await pfaddAll(redis, hllKey, ids);
        const setKey = uv.key('home', String(size));
        const hllCount = await redis.pfcount(hllKey);
        rows.push({
          visitors: fmt(size),
          setBytes: await memoryUsage(redis, setKey),
          hllBytes: await memoryUsage(redis, hllKey),
          setCount: await redis.scard(setKey),
          hllCount,
          hllErrorPct: pct(relativeError(hllCount, size)),
        });
        await redis.unlink(setKey, hllKey);
      }
      ctx.log('');
      ctx.log('Visitors     SET bytes   HLL bytes   SCARD        PFCOUNT (error)');
      for (const r of rows) {
        ctx.log(
          `${r.visitors.padStart(9)} ${fmt(r.setBytes).padStart(12)} ${fmt(r.hllBytes).padStart(10)}   ${fmt(r.setCount).padEnd(11)}  ${fmt(r.hllCount)} (${r.hllErrorPct} %)`,
        );
      }
      ctx.record.table({
        id: 'memory-set-vs-hll',
        title:
          'Same visitors, counted exactly (SET) and approximately (HyperLogLog): MEMORY USAGE and answer',
        columns: [
          { key: 'visitors', label: 'Visitors' },
          { key: 'setBytes', label: 'SET', unit: 'B' },
          { key: 'hllBytes', label: 'HyperLogLog', unit: 'B' },
          { key: 'setCount', label: 'SCARD' },
          { key: 'hllCount', label: 'PFCOUNT' },
          { key: 'hllErrorPct', label: 'HLL error', unit: '%' },
        ],
        rows,
        chart: { type: 'bar', x: 'visitors', y: ['setBytes', 'hllBytes'], title: 'Bytes per page-day key' },
      });
      const largest = rows.at(-1)!;
      ctx.record.figure('set-bytes-largest', `SET for ${largest.visitors} visitors`, largest.setBytes, 'B');
      ctx.record.figure(
        'hll-bytes-largest',
        `HyperLogLog for ${largest.visitors} visitors`,
        largest.hllBytes,
        'B',
      );

      // ── 3. A week: SUNIONSTORE vs PFMERGE ────────────────────────────────────────────────
      ctx.progress('weekly union');
      const perDay = ctx.quick ? 5_000 : 50_000;
      const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
      const week = new UniqueVisitors({ redis, keyPrefix: `${ns}:week:` });
      for (const [i, day] of days.entries()) {
        // Each day: a window of visitors that overlaps the previous day by 60 %.
        const ids = [...distinctItems('visitor', Math.round(i * perDay * 0.4), perDay)];
        await week.visitMany('home', day, ids);
        await pfaddAll(redis, `${ns}:weekhll:${day}`, ids);
      }
      const exactWeek = Math.round((days.length - 1) * perDay * 0.4) + perDay;
      let start = performance.now();
      const unionCount = await week.countAcross('home', days);
      const unionMs = performance.now() - start;
      start = performance.now();
      await redis.pfmerge(`${ns}:weekhll:all`, ...days.map((d) => `${ns}:weekhll:${d}`));
      const mergedCount = await redis.pfcount(`${ns}:weekhll:all`);
      const mergeMs = performance.now() - start;
      ctx.log('');
      ctx.log(
        `Week of ${fmt(perDay)} visitors a day: SUNIONSTORE ${fmt(unionCount)} in ${unionMs.toFixed(1)} ms, ` +
          `PFMERGE ${fmt(mergedCount)} in ${mergeMs.toFixed(1)} ms (exact ${fmt(exactWeek)})`,
      );
      ctx.record.table({
        id: 'weekly',
        title: `Weekly unique visitors from 7 daily keys (${fmt(perDay)} visitors a day, 60 % return the next day)`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'count', label: 'Weekly uniques' },
          { key: 'ms', label: 'Time (one call)', unit: 'ms' },
        ],
        rows: [
          { method: 'Exact (known by construction)', count: exactWeek, ms: 0 },
          { method: 'SUNIONSTORE + SCARD', count: unionCount, ms: Math.round(unionMs * 100) / 100 },
          { method: 'PFMERGE + PFCOUNT', count: mergedCount, ms: Math.round(mergeMs * 100) / 100 },
        ],
      });
      ctx.record.figure(
        'weekly-exact-equal',
        'SUNIONSTORE weekly count equals the exact count',
        unionCount === exactWeek,
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await Promise.all(connections.map((c) => c.quit()));
    }
  },
});
