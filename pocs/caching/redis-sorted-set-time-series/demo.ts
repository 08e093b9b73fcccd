import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder } from '../../../src/lab/index.ts';
import { addValueAsMember, TimeSeries } from './TimeSeries.ts';

const T0 = Date.UTC(2025, 0, 1);
const MINUTE = 60_000;

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      // ── 1. Unique members: what the value-as-member shortcut loses ──────────────────────────
      // A sensor reporting every second for a day, in tenths of a degree between 18.0 and 24.0.
      const perDay = ctx.quick ? 8_640 : 86_400;
      const stepMs = (24 * 60 * MINUTE) / perDay;
      const reading = (i: number) => Math.round(210 + 30 * Math.sin(i / 900)) / 10;
      const series = new TimeSeries(redis, `${ns}:sensor`);
      ctx.progress('ingest', 0, perDay);
      for (let start = 0; start < perDay; start += 2_000) {
        ctx.signal.throwIfAborted();
        const batch = [];
        const naive = [];
        for (let i = start; i < Math.min(start + 2_000, perDay); i++) {
          batch.push({ ts: T0 + i * stepMs, value: reading(i), id: `s1-${i}` });
          naive.push(addValueAsMember(redis, `${ns}:naive`, T0 + i * stepMs, reading(i)));
        }
        await Promise.all([series.add(...batch), ...naive]);
        ctx.progress('ingest', start, perDay);
      }
      const kept = await series.count();
      const naiveKept = await redis.zcard(`${ns}:naive`);
      ctx.log(`${perDay} readings of one day:`);
      ctx.log(`  member = id|value   ${kept} points stored`);
      ctx.log(`  member = value      ${naiveKept} points stored (equal values overwrite each other)`);
      ctx.record.table({
        id: 'unique-members',
        title: `${perDay} sensor readings of one day stored in a sorted set`,
        columns: [
          { key: 'member', label: 'Member' },
          { key: 'stored', label: 'Points stored' },
          { key: 'lost', label: 'Points lost' },
        ],
        rows: [
          { member: 'id|value (unique)', stored: kept, lost: perDay - kept },
          { member: 'value only', stored: naiveKept, lost: perDay - naiveKept },
        ],
        chart: { type: 'bar', x: 'member', y: ['stored', 'lost'], title: 'Points stored and lost' },
      });

      // ── 2. Window queries: latency grows with the points returned, not with the series ──────
      const windows = [
        { label: '1 minute', ms: MINUTE },
        { label: '1 hour', ms: 60 * MINUTE },
        { label: '6 hours', ms: 360 * MINUTE },
      ];
      const queries = ctx.quick ? 30 : 100;
      const rows = [];
      for (const w of windows) {
        ctx.signal.throwIfAborted();
        ctx.progress(`window ${w.label}`);
        const latency = new LatencyRecorder();
        let returned = 0;
        for (let q = 0; q < queries; q++) {
          const from = T0 + Math.floor(Math.random() * (24 * 60 * MINUTE - w.ms));
          const pts = await latency.time(() => series.range(from, from + w.ms, { exclusiveTo: true }));
          returned += pts.length;
        }
        const s = latency.summary();
        rows.push({
          window: w.label,
          pointsReturned: Math.round(returned / queries),
          p50: s.p50,
          p99: s.p99,
        });
      }
      ctx.log('');
      ctx.log(`Window queries (ZRANGEBYSCORE) over ${kept} points, ${queries} random windows each:`);
      for (const r of rows)
        ctx.log(`  ${r.window.padEnd(9)} ${r.pointsReturned} points  p50 ${r.p50} ms  p99 ${r.p99} ms`);
      ctx.record.table({
        id: 'window-queries',
        title: `ZRANGEBYSCORE windows over ${kept} points (one day)`,
        columns: [
          { key: 'window', label: 'Window' },
          { key: 'pointsReturned', label: 'Points returned (mean)' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows,
        chart: { type: 'bar', x: 'window', y: ['p50', 'p99'], title: 'Window query latency' },
      });

      // ── 3. Retention: keep the last 6 hours ─────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('retention');
      const before = Number(await redis.memory('USAGE', series.key, 'SAMPLES', 0));
      const cutoff = T0 + 18 * 60 * MINUTE;
      const t0 = performance.now();
      const removed = await series.dropBefore(cutoff);
      const retentionMs = Math.round((performance.now() - t0) * 100) / 100;
      const after = Number(await redis.memory('USAGE', series.key, 'SAMPLES', 0));
      const oldest = (await series.range(-Infinity, Number.POSITIVE_INFINITY, { limit: 1 }))[0]!;
      ctx.log('');
      ctx.log(
        `Retention to the last 6 hours: removed ${removed} points in ${retentionMs} ms; ${before} B -> ${after} B`,
      );
      ctx.record.figure(
        'retention-removed',
        'Points removed by one ZREMRANGEBYSCORE (older than 6 hours)',
        removed,
      );
      ctx.record.figure('retention-ms', 'Time of that ZREMRANGEBYSCORE call', retentionMs, 'ms');
      ctx.record.figure(
        'retention-oldest-ok',
        'Oldest remaining point is at or after the cutoff',
        oldest.ts >= cutoff,
      );
      ctx.record.table({
        id: 'retention',
        title: 'Keeping the last 6 hours of one day',
        columns: [
          { key: 'when', label: '' },
          { key: 'points', label: 'Points' },
          { key: 'bytes', label: 'MEMORY USAGE', unit: 'B' },
        ],
        rows: [
          { when: 'before', points: kept, bytes: before },
          { when: 'after', points: await series.count(), bytes: after },
        ],
      });
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
