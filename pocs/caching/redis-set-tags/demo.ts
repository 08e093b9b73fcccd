import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder } from '../../../src/lab/index.ts';
import { generateCatalog, queryReference } from './catalog.ts';
import { runTagContention } from './contention.ts';
import { TagIndex, type TagQuery } from './TagIndex.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const connections = Array.from({ length: 8 }, () => new Redis(url));
    const redis = connections[0]!;
    const ns = ctx.namespace;
    try {
      // ── 1. Concurrent writers: two-step writes vs MULTI / Lua ────────────────────────────
      const operations = ctx.quick ? 600 : 3_000;
      const contention = [];
      for (const atomic of [false, true]) {
        ctx.progress(atomic ? 'MULTI / Lua writers' : 'naive writers');
        const result = await runTagContention({
          connections,
          keyPrefix: `${ns}:${atomic ? 'atomic' : 'naive'}:`,
          atomic,
          items: 10,
          operations,
          seed: 111,
        });
        contention.push({
          writes: atomic
            ? 'tag/untag in MULTI, replace in Lua'
            : 'separate commands, replace = read then MULTI',
          inconsistencies: result.inconsistencies,
          mergedItems: result.mergedItems,
        });
      }
      ctx.log(
        `${fmt(operations)} concurrent tag/untag and 40 concurrent replaces (4 per item) on 10 items over ${connections.length} connections:`,
      );
      for (const r of contention) {
        ctx.log(
          `  ${r.writes.padEnd(46)} one-sided links ${r.inconsistencies}, items with merged tag lists ${r.mergedItems}`,
        );
      }
      ctx.record.figure(
        'naive-inconsistencies',
        'One-sided links, naive writes',
        contention[0]!.inconsistencies,
      );
      ctx.record.figure(
        'atomic-inconsistencies',
        'One-sided links, MULTI / Lua writes',
        contention[1]!.inconsistencies,
      );
      ctx.record.figure(
        'naive-merged',
        'Items with a merged tag list, naive replace',
        contention[0]!.mergedItems,
      );
      ctx.record.figure(
        'atomic-merged',
        'Items with a merged tag list, Lua replace',
        contention[1]!.mergedItems,
      );
      ctx.record.table({
        id: 'contention',
        title: `${fmt(operations)} concurrent tag/untag, then 40 concurrent replaces (4 per item), on 10 items from ${connections.length} connections`,
        columns: [
          { key: 'writes', label: 'Writes' },
          { key: 'inconsistencies', label: 'Links on one side only' },
          { key: 'mergedItems', label: 'Items (of 10) with a tag list nobody wrote' },
        ],
        rows: contention,
        chart: { type: 'bar', x: 'writes', y: ['inconsistencies', 'mergedItems'], title: 'What broke' },
      });

      // ── 2. Queries on a catalog, checked against JS, timed ───────────────────────────────
      const items = ctx.quick ? 2_000 : 20_000;
      ctx.progress(`tagging ${fmt(items)} items`);
      const catalog = generateCatalog(items, 2025);
      const index = new TagIndex({ redis, keyPrefix: `${ns}:catalog:` });
      const entries = [...catalog];
      for (let i = 0; i < entries.length; i += 500) {
        await Promise.all(entries.slice(i, i + 500).map(([item, tags]) => index.tag(item, tags)));
      }
      const queries: { label: string; query: TagQuery }[] = [
        { label: 't0 AND t1', query: { all: ['t0', 't1'] } },
        { label: 't0 AND t1 NOT t2', query: { all: ['t0', 't1'], none: ['t2'] } },
        { label: 't3 OR t4 OR t5', query: { any: ['t3', 't4', 't5'] } },
        { label: 't0 AND (t3 OR t4) NOT t1', query: { all: ['t0'], any: ['t3', 't4'], none: ['t1'] } },
      ];
      const runs = ctx.quick ? 50 : 300;
      const rows = [];
      for (const { label, query } of queries) {
        const answer = await index.query(query);
        const matches = answer.join() === queryReference(catalog, query).join();
        const latency = new LatencyRecorder();
        for (let r = 0; r < runs; r++) await latency.time(() => index.query(query));
        const s = latency.summary();
        rows.push({
          query: label,
          results: answer.length,
          equalsReference: matches ? 'yes' : 'NO',
          p50: s.p50,
          p99: s.p99,
        });
      }
      ctx.log('');
      ctx.log(`Queries on ${fmt(items)} tagged items (${runs} runs each):`);
      for (const r of rows)
        ctx.log(
          `  ${r.query.padEnd(26)} ${fmt(r.results).padStart(6)} items  equals JS: ${r.equalsReference}  p50 ${r.p50} ms  p99 ${r.p99} ms`,
        );
      ctx.record.figure(
        'queries-equal-reference',
        'Every query equals the JS reference',
        rows.every((r) => r.equalsReference === 'yes'),
      );
      ctx.record.table({
        id: 'queries',
        title: `Tag queries on ${fmt(items)} items (one MULTI each: SINTERSTORE / SUNIONSTORE, SDIFF, DEL), ${runs} runs`,
        columns: [
          { key: 'query', label: 'Query' },
          { key: 'results', label: 'Items' },
          { key: 'equalsReference', label: 'Equals JS' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows,
        chart: { type: 'bar', x: 'query', y: ['p50', 'p99'], title: 'Query latency (ms)' },
      });
    } finally {
      await deleteRedisKeys(redis, ns);
      await Promise.all(connections.map((c) => c.quit()));
    }
  },
});
