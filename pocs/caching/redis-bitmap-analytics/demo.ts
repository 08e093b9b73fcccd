import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { exactCounts, generatePopulation } from './activityPopulation.ts';
import { DailyActiveUsers } from './DailyActiveUsers.ts';
import { fillSet, memoryUsage } from './memoryUsage.ts';
import { measureSparseIds } from './sparseIds.ts';

const DAYS = [
  '2025-03-03',
  '2025-03-04',
  '2025-03-05',
  '2025-03-06',
  '2025-03-07',
  '2025-03-08',
  '2025-03-09',
];
const fmt = (n: number) => n.toLocaleString('en-US');

export default defineDemo({
  async run(ctx) {
    const users = ctx.quick ? 50_000 : 1_000_000;
    const days = ctx.quick ? DAYS.slice(0, 3) : DAYS;
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      // ── 1. Record a week of activity, one bitmap per day ───────────────────────────────────
      ctx.progress('generating a seeded population');
      const { activeByDay } = generatePopulation({ users, days: days.length, seed: 2025 });
      const exact = exactCounts(activeByDay);
      const dau = new DailyActiveUsers({ redis, keyPrefix: `${ns}:dau:` });
      const totalBits = activeByDay.reduce((n, ids) => n + ids.length, 0);
      const started = performance.now();
      for (const [i, day] of days.entries()) {
        ctx.signal.throwIfAborted();
        ctx.progress('SETBIT (pipelined)', i, days.length);
        await dau.recordActive(day, activeByDay[i]!);
      }
      const setbitSeconds = (performance.now() - started) / 1000;
      ctx.log(
        `${fmt(users)} user ids, ${days.length} days: ${fmt(totalBits)} SETBITs pipelined in ${setbitSeconds.toFixed(2)} s ` +
          `(${fmt(Math.round(totalBits / setbitSeconds))}/s)`,
      );
      ctx.record.figure('users', 'User ids (0 … N-1)', users);
      ctx.record.figure(
        'setbit-rate',
        'Pipelined SETBIT rate',
        Math.round(totalBits / setbitSeconds),
        'ops/s',
      );

      // ── 2. The questions, answered by Redis and by exact JS sets ───────────────────────────
      const perDay = await Promise.all(days.map((d) => dau.countDay(d)));
      const retained = await dau.countEvery(days.slice(0, 2));
      const everyDay = await dau.countEvery(days);
      const anyDay = await dau.countAny(days);
      const rows = [
        { question: `Active on ${days[0]} (BITCOUNT)`, redis: perDay[0]!, exact: exact.perDay[0]! },
        {
          question: `Retained ${days[0]} → ${days[1]} (BITOP AND)`,
          redis: retained,
          exact: exact.retainedDay1,
        },
        {
          question: `Active every day of ${days.length} (BITOP AND)`,
          redis: everyDay,
          exact: exact.everyDay,
        },
        { question: `Active on any of ${days.length} days (BITOP OR)`, redis: anyDay, exact: exact.anyDay },
      ].map((r) => ({ ...r, match: r.redis === r.exact ? 'yes' : 'NO' }));
      const allMatch = rows.every((r) => r.match === 'yes') && perDay.every((n, i) => n === exact.perDay[i]);
      ctx.log('');
      for (const r of rows)
        ctx.log(
          `  ${r.question.padEnd(44)} Redis ${fmt(r.redis).padStart(9)}   exact ${fmt(r.exact).padStart(9)}`,
        );
      ctx.record.figure('dau-day0', `Daily actives on ${days[0]}`, perDay[0]!);
      ctx.record.figure('weekly-actives', `Active on any of ${days.length} days`, anyDay);
      ctx.record.figure('counts-exact', 'Every bitmap count equals the exact JS count', allMatch);
      ctx.record.table({
        id: 'counts',
        title: `Bitmap answers vs exact counts in JS, ${fmt(users)} users`,
        columns: [
          { key: 'question', label: 'Question' },
          { key: 'redis', label: 'Redis bitmap' },
          { key: 'exact', label: 'Exact (JS Set)' },
          { key: 'match', label: 'Equal' },
        ],
        rows,
      });

      // ── 3. Memory: the day's bitmap vs a SET of the same ids ──────────────────────────────
      ctx.progress('memory: bitmap vs SET');
      const bitmapBytes = await memoryUsage(redis, dau.dayKey(days[0]!));
      const setKey = `${ns}:set:${days[0]}`;
      await fillSet(redis, setKey, activeByDay[0]!);
      const setBytes = await memoryUsage(redis, setKey);
      await redis.unlink(setKey);
      ctx.log('');
      ctx.log(
        `Memory for ${fmt(perDay[0]!)} active users of ${days[0]}: bitmap ${fmt(bitmapBytes)} B, SET ${fmt(setBytes)} B`,
      );
      ctx.record.figure('bitmap-bytes', `Bitmap for one day (${fmt(users)} ids)`, bitmapBytes, 'B');
      ctx.record.figure('set-bytes', 'SET of the same day’s active ids', setBytes, 'B');
      ctx.record.table({
        id: 'memory',
        title: `MEMORY USAGE of one day: ${fmt(perDay[0]!)} active of ${fmt(users)} ids`,
        columns: [
          { key: 'structure', label: 'Structure' },
          { key: 'bytes', label: 'Memory', unit: 'B' },
          { key: 'bytesPerActive', label: 'Per active user', unit: 'B' },
        ],
        rows: [
          {
            structure: 'Bitmap (SETBIT)',
            bytes: bitmapBytes,
            bytesPerActive: round2(bitmapBytes / perDay[0]!),
          },
          { structure: 'SET (SADD)', bytes: setBytes, bytesPerActive: round2(setBytes / perDay[0]!) },
        ],
        chart: { type: 'bar', x: 'structure', y: ['bytes'], title: 'Bytes for one day of actives' },
      });
      ctx.record.compare({
        id: 'memory-bitmap-vs-set',
        title: 'Memory for one day of active users',
        unit: 'B',
        better: 'lower',
        baseline: { label: 'SET of active ids', value: setBytes },
        candidate: { label: 'Bitmap', value: bitmapBytes },
      });

      // ── 4. The caveat: sparse ids ───────────────────────────────────────────────────────────
      ctx.progress('sparse ids');
      const sparseUsers = ctx.quick ? 1_000 : 10_000;
      const sparse = [
        await measureSparseIds(redis, `${ns}:sparse1:`, sparseUsers, sparseUsers - 1),
        await measureSparseIds(redis, `${ns}:sparse2:`, sparseUsers, ctx.quick ? 1_000_000 : 10_000_000),
        await measureSparseIds(redis, `${ns}:sparse3:`, sparseUsers, ctx.quick ? 10_000_000 : 100_000_000),
      ];
      ctx.log('');
      ctx.log(`${fmt(sparseUsers)} active users, ids dense or scattered:`);
      for (const r of sparse) {
        ctx.log(
          `  highest id ${fmt(r.highestId).padStart(11)}: bitmap ${fmt(r.bitmapBytes).padStart(11)} B   SET ${fmt(r.setBytes).padStart(9)} B`,
        );
      }
      ctx.record.table({
        id: 'sparse-ids',
        title: `${fmt(sparseUsers)} active users: a bitmap is sized by the highest id, a SET by the member count`,
        columns: [
          { key: 'highestId', label: 'Highest id' },
          { key: 'layout', label: 'Ids' },
          { key: 'bitmapBytes', label: 'Bitmap', unit: 'B' },
          { key: 'setBytes', label: 'SET', unit: 'B' },
        ],
        rows: sparse.map((r) => ({ ...r, highestId: fmt(r.highestId) })),
        chart: { type: 'bar', x: 'highestId', y: ['bitmapBytes', 'setBytes'], title: 'Bytes vs highest id' },
      });
      ctx.record.note(
        'MEMORY USAGE … SAMPLES 0 (every element counted). Bitmap ids are dense 0 … N-1; the sparse table scatters the same number of ids up to the highest id.',
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await redis.quit();
    }
  },
});

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
