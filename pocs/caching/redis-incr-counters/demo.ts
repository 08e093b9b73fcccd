import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, round } from '../../../src/lab/index.ts';
import { FixedWindowCounter, incrementAtomic, incrementRacy } from './counters.ts';

const CONNECTIONS = 10;
const CLIENTS = 100;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const redis = connections[0]!;
    const ns = ctx.namespace;
    const perClient = ctx.quick ? 100 : 1_000;
    const expected = CLIENTS * perClient;
    try {
      // ── 1. 100 concurrent clients, INCR vs GET + SET ────────────────────────────────────────
      const race = async (label: string, key: string, increment: (r: Redis) => Promise<unknown>) => {
        ctx.progress(label);
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: CLIENTS }, async (_, c) => {
            const r = connections[c % CONNECTIONS]!;
            for (let i = 0; i < perClient; i++) {
              if (i % 100 === 0) ctx.signal.throwIfAborted();
              await increment(r);
            }
          }),
        );
        const seconds = (performance.now() - t0) / 1000;
        const final = Number(await redis.get(key));
        return { label, expected, final, lost: expected - final, opsPerSec: Math.round(expected / seconds) };
      };
      const rows = [
        await race('INCR (atomic)', `${ns}:atomic`, (r) => incrementAtomic(r, `${ns}:atomic`)),
        await race('GET then SET (read-modify-write)', `${ns}:racy`, (r) => incrementRacy(r, `${ns}:racy`)),
      ];
      ctx.log(`${CLIENTS} concurrent clients over ${CONNECTIONS} connections, ${perClient} increments each:`);
      for (const r of rows) {
        ctx.log(
          `  ${r.label.padEnd(34)} final ${r.final} of ${r.expected}, lost ${r.lost}, ${r.opsPerSec} increments/s`,
        );
      }
      ctx.record.figure('atomic-lost', 'Increments lost with INCR', rows[0]!.lost);
      ctx.record.figure('racy-lost', 'Increments lost with GET + SET', rows[1]!.lost);
      ctx.record.figure(
        'racy-lost-percent',
        'Share of increments lost with GET + SET',
        round((100 * rows[1]!.lost) / expected, 1),
        '%',
      );
      ctx.record.table({
        id: 'lost-updates',
        title: `${CLIENTS} concurrent clients × ${perClient} increments on one key`,
        columns: [
          { key: 'label', label: 'Method' },
          { key: 'expected', label: 'Expected' },
          { key: 'final', label: 'Final value' },
          { key: 'lost', label: 'Lost increments' },
          { key: 'opsPerSec', label: 'Throughput', unit: 'increments/s' },
        ],
        rows,
        chart: { type: 'bar', x: 'label', y: ['final', 'lost'], title: 'Final value and lost increments' },
      });

      // ── 2. Per-minute counters ──────────────────────────────────────────────────────────────
      // A simulated clock walks through 10 minutes of traffic; Redis holds one small key per minute.
      ctx.signal.throwIfAborted();
      ctx.progress('per-minute counters');
      let now = Date.UTC(2025, 0, 1, 9, 0, 0);
      const perMinute = new FixedWindowCounter({
        redis,
        keyPrefix: `${ns}:pm:`,
        keepWindows: 60,
        now: () => now,
      });
      const traffic = [120, 80, 300, 50, 0, 210, 90, 400, 10, 160];
      for (const hits of traffic) {
        await Promise.all(Array.from({ length: hits }, () => perMinute.hit('checkout')));
        now += 60_000;
      }
      now -= 60_000;
      const counts = await perMinute.recent('checkout', traffic.length);
      const last = perMinute.windowOf(now);
      const candidates = traffic.map((_, i) => perMinute.keyFor('checkout', last - traffic.length + 1 + i));
      const exists = await Promise.all(candidates.map((k) => redis.exists(k)));
      const keys = candidates.filter((_, i) => exists[i] === 1);
      const ttls = await Promise.all(keys.map((k) => redis.ttl(k)));
      const bytes = await Promise.all(keys.map((k) => redis.memory('USAGE', k)));
      ctx.log('');
      ctx.log(`per-minute counts read back: ${counts.join(', ')} (sent: ${traffic.join(', ')})`);
      ctx.record.figure(
        'window-counts-exact',
        'Per-minute counts equal the hits sent',
        counts.every((c, i) => c === traffic[i]),
      );
      ctx.record.figure(
        'window-keys',
        'Keys for 10 minutes of one counter (empty minutes create none)',
        keys.length,
      );
      ctx.record.figure(
        'window-key-bytes',
        'MEMORY USAGE of one per-minute counter key',
        Math.max(...bytes.map(Number)),
        'B',
      );
      ctx.record.figure('window-max-ttl', 'Longest remaining TTL of a window key', Math.max(...ttls), 's');
      ctx.record.table({
        id: 'per-minute',
        title: 'Per-minute counter over 10 simulated minutes',
        columns: [
          { key: 'minute', label: 'Minute' },
          { key: 'sent', label: 'Hits sent' },
          { key: 'counted', label: 'Counted' },
        ],
        rows: traffic.map((sent, i) => ({ minute: `09:0${i}`, sent, counted: counts[i]! })),
        chart: { type: 'bar', x: 'minute', y: ['counted'], title: 'Hits per minute' },
      });
      ctx.record.note(
        'GET then SET loses increments whenever two clients read the same value before either writes; INCR does the ' +
          'read and the write in one command, and Redis runs commands one at a time.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
