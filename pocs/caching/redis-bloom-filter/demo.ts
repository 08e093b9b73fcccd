import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { fillSet, memoryUsage } from '../redis-bitmap-analytics/memoryUsage.ts';
import { BloomFilter } from './BloomFilter.ts';
import { predictedFalsePositiveRate } from './bloomMath.ts';

const TARGETS = [0.1, 0.01, 0.001];
const fmt = (n: number) => n.toLocaleString('en-US');
const pct = (x: number) => Math.round(x * 100_000) / 1_000; // percent, 3 decimals
const members = (label: string, from: number, count: number) =>
  Array.from({ length: count }, (_, i) => `${label}:${from + i}`);

export default defineDemo({
  async run(ctx) {
    const n = ctx.quick ? 5_000 : 50_000;
    const probeCount = ctx.quick ? 10_000 : 50_000;
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      // Redis Stack / Redis 8 ship BF.ADD / BF.EXISTS; this server has no such module.
      const modules = (await redis.call('MODULE', 'LIST')) as unknown[];
      ctx.log(
        `Redis modules loaded: ${modules.length === 0 ? 'none (no RedisBloom: BF.* commands do not exist here)' : modules.length}`,
      );
      ctx.record.figure('modules-loaded', 'Redis modules loaded on this server', modules.length);

      const probes = members('stranger', 0, probeCount); // never added to any filter
      const firstHalf = members('user', 0, n);
      const secondHalf = members('user', n, n);
      const rows = [];
      const memoryRows = [];
      for (const p of TARGETS) {
        ctx.signal.throwIfAborted();
        ctx.progress(`filter for p = ${p}`);
        const filter = new BloomFilter({
          redis,
          key: `${ns}:bloom:${p}`,
          expectedMembers: n,
          falsePositiveRate: p,
        });
        await filter.reserve();
        await filter.add(firstHalf);
        const missed = (await filter.mightContain(firstHalf)).filter((f) => !f).length;
        const fpAtN = (await filter.mightContain(probes)).filter(Boolean).length / probeCount;
        const bytes = await memoryUsage(redis, filter.key);
        await filter.add(secondHalf); // overfill: twice the members it was sized for
        const fpAt2n = (await filter.mightContain(probes)).filter(Boolean).length / probeCount;
        rows.push({
          target: `${p * 100} %`,
          m: filter.size.m,
          k: filter.size.k,
          bitsPerMember: Math.round((filter.size.m / n) * 100) / 100,
          predicted: pct(predictedFalsePositiveRate(filter.size, n)),
          measured: pct(fpAtN),
          falseNegatives: missed,
          predicted2n: pct(predictedFalsePositiveRate(filter.size, 2 * n)),
          measured2n: pct(fpAt2n),
        });
        memoryRows.push({
          structure: `Bloom filter, p = ${p * 100} %`,
          bytes,
          bytesPerMember: round2(bytes / n),
        });
      }

      ctx.log('');
      ctx.log(`n = ${fmt(n)} members added, ${fmt(probeCount)} non-members probed:`);
      ctx.log('  target      m bits   k   predicted   measured   false neg.   at 2n: predicted  measured');
      for (const r of rows) {
        ctx.log(
          `  ${r.target.padEnd(8)} ${fmt(r.m).padStart(10)} ${String(r.k).padStart(3)} ${`${r.predicted} %`.padStart(11)} ${`${r.measured} %`.padStart(10)} ${String(r.falseNegatives).padStart(12)} ${`${r.predicted2n} %`.padStart(18)} ${`${r.measured2n} %`.padStart(9)}`,
        );
      }
      const falseNegatives = rows.reduce((s, r) => s + r.falseNegatives, 0);
      ctx.record.figure(
        'false-negatives',
        'False negatives over all filters (members not found)',
        falseNegatives,
      );
      ctx.record.figure(
        'fp-measured-1pct',
        'Measured false-positive rate, target 1 %',
        rows[1]!.measured,
        '%',
      );
      ctx.record.figure(
        'fp-measured-1pct-at-2n',
        'Measured false-positive rate, target 1 %, filled to 2n',
        rows[1]!.measured2n,
        '%',
      );
      ctx.record.table({
        id: 'false-positives',
        title: `False-positive rate: formula vs measured (${fmt(n)} members, ${fmt(probeCount)} non-members), and after overfilling to 2n`,
        columns: [
          { key: 'target', label: 'Target p' },
          { key: 'm', label: 'm (bits)' },
          { key: 'k', label: 'k' },
          { key: 'bitsPerMember', label: 'Bits per member' },
          { key: 'predicted', label: 'Predicted at n', unit: '%' },
          { key: 'measured', label: 'Measured at n', unit: '%' },
          { key: 'falseNegatives', label: 'False negatives' },
          { key: 'predicted2n', label: 'Predicted at 2n', unit: '%' },
          { key: 'measured2n', label: 'Measured at 2n', unit: '%' },
        ],
        rows,
        chart: {
          type: 'bar',
          x: 'target',
          y: ['predicted', 'measured', 'predicted2n', 'measured2n'],
          title: 'False-positive rate (%) by target',
        },
      });

      // ── Memory: the filter vs a SET holding the same members ──────────────────────────────
      ctx.progress('memory: SET of the same members');
      const setKey = `${ns}:set`;
      await fillSet(redis, setKey, firstHalf);
      const setBytes = await memoryUsage(redis, setKey);
      await redis.unlink(setKey);
      memoryRows.push({
        structure: 'SET of the members',
        bytes: setBytes,
        bytesPerMember: round2(setBytes / n),
      });
      ctx.log('');
      for (const r of memoryRows)
        ctx.log(
          `  ${r.structure.padEnd(26)} ${fmt(r.bytes).padStart(11)} B  (${r.bytesPerMember} B per member)`,
        );
      ctx.record.table({
        id: 'memory',
        title: `MEMORY USAGE for ${fmt(n)} members of the form user:<i>`,
        columns: [
          { key: 'structure', label: 'Structure' },
          { key: 'bytes', label: 'Memory', unit: 'B' },
          { key: 'bytesPerMember', label: 'Per member', unit: 'B' },
        ],
        rows: memoryRows,
        chart: { type: 'bar', x: 'structure', y: ['bytes'], title: 'Bytes' },
      });
      ctx.record.compare({
        id: 'memory-bloom-vs-set',
        title: `Memory for ${fmt(n)} members`,
        unit: 'B',
        better: 'lower',
        baseline: { label: 'SET', value: setBytes },
        candidate: { label: 'Bloom filter, p = 1 %', value: memoryRows[1]!.bytes },
      });

      // ── Why a script: one reply per member instead of k ───────────────────────────────────
      ctx.progress('script vs pipelined GETBIT');
      const filter = new BloomFilter({
        redis,
        key: `${ns}:bloom:0.01`,
        expectedMembers: n,
        falsePositiveRate: 0.01,
      });
      const sample = probes.slice(0, ctx.quick ? 1_000 : 10_000);
      const scriptMs = await timed(() => filter.mightContain(sample));
      const pipelinedMs = await timed(() => filter.mightContainPipelined(sample));
      const scriptRate = Math.round(sample.length / (scriptMs / 1000));
      const pipelinedRate = Math.round(sample.length / (pipelinedMs / 1000));
      ctx.log('');
      ctx.log(
        `Checking ${fmt(sample.length)} non-members: Lua script ${fmt(scriptRate)}/s, pipelined GETBIT ${fmt(pipelinedRate)}/s`,
      );
      ctx.record.compare({
        id: 'check-throughput',
        title: `Checks per second, ${fmt(sample.length)} non-members (k = ${filter.size.k})`,
        unit: 'checks/s',
        better: 'higher',
        baseline: { label: `Pipelined GETBIT (k = ${filter.size.k} per member)`, value: pipelinedRate },
        candidate: { label: 'Lua script, stops at the first 0 bit', value: scriptRate },
      });
      ctx.record.note(
        'Predicted = (1 - e^(-kn/m))^k for the m and k actually used; measured = share of never-added members the filter reports as present.',
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await redis.quit();
    }
  },
});

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
