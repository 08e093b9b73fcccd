import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { ActivityFeed, pushThenTrimSeparately } from './ActivityFeed.ts';

const CAP = 200;
const PUSHERS = 8;

const event = (i: number) =>
  JSON.stringify({
    id: i,
    type: i % 3 === 0 ? 'comment' : 'like',
    actor: `user${i % 977}`,
    at: 1_735_700_000_000 + i,
  });

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const redis = new Redis(url);
    const ns = ctx.namespace;
    const pushers = Array.from({ length: PUSHERS }, () => new Redis(url));
    try {
      // ── 1. Memory while events stream in: capped vs uncapped list ───────────────────────────
      const total = ctx.quick ? 5_000 : 50_000;
      const feed = new ActivityFeed({ redis, keyPrefix: `${ns}:capped:`, cap: CAP });
      const uncappedKey = `${ns}:uncapped:u1`;
      const samples: { events: number; cappedBytes: number; uncappedBytes: number }[] = [];
      const step = total / 10;
      let inFlight: Promise<unknown>[] = [];
      for (let i = 1; i <= total; i++) {
        const e = event(i);
        // Pipelined: ioredis sends these back to back; awaited at every sample.
        inFlight.push(feed.push('u1', e), redis.lpush(uncappedKey, e));
        if (i % step === 0) {
          ctx.signal.throwIfAborted();
          await Promise.all(inFlight);
          inFlight = [];
          samples.push({
            events: i,
            cappedBytes: Number(await redis.memory('USAGE', feed.key('u1'), 'SAMPLES', 0)),
            uncappedBytes: Number(await redis.memory('USAGE', uncappedKey, 'SAMPLES', 0)),
          });
          ctx.progress('streaming events', i, total);
        }
      }
      const last = samples.at(-1)!;
      ctx.log(`${total} events pushed; feed capped at ${CAP}:`);
      ctx.log(`  capped list   ${last.cappedBytes} B, ${await feed.length('u1')} events`);
      ctx.log(`  uncapped list ${last.uncappedBytes} B, ${await redis.llen(uncappedKey)} events`);
      ctx.record.table({
        id: 'memory-growth',
        title: `MEMORY USAGE of one feed while ${total} events stream in (cap ${CAP})`,
        columns: [
          { key: 'events', label: 'Events pushed' },
          { key: 'cappedBytes', label: `LPUSH + LTRIM (cap ${CAP})`, unit: 'B' },
          { key: 'uncappedBytes', label: 'LPUSH only', unit: 'B' },
        ],
        rows: samples,
        chart: { type: 'line', x: 'events', y: ['cappedBytes', 'uncappedBytes'], title: 'Bytes per feed' },
      });
      ctx.record.figure('capped-bytes', `Capped feed after ${total} events`, last.cappedBytes, 'B');
      ctx.record.figure('uncapped-bytes', `Uncapped feed after ${total} events`, last.uncappedBytes, 'B');
      ctx.record.figure('capped-length', 'Events in the capped feed', await feed.length('u1'));

      // ── 2. Concurrent pushers: MULTI vs two separate commands, as seen by a reader ──────────
      const perPusher = ctx.quick ? 200 : 1_000;
      const race = async (label: string, key: string, push: (r: Redis, e: string) => Promise<void>) => {
        ctx.signal.throwIfAborted();
        ctx.progress(`concurrent pushers: ${label}`);
        let pushing = true;
        let maxSeen = 0;
        let over = 0;
        let reads = 0;
        const reader = (async () => {
          while (pushing) {
            const len = await redis.llen(key);
            reads++;
            if (len > CAP) over++;
            maxSeen = Math.max(maxSeen, len);
          }
        })();
        await Promise.all(
          pushers.map(async (r, p) => {
            for (let i = 0; i < perPusher; i++) await push(r, `p${p}:${i}`);
          }),
        );
        pushing = false;
        await reader;
        return { label, maxSeen, readsOverCap: over, reads };
      };
      const capKey = `${ns}:race:multi`;
      const rows = [
        await race('LPUSH + LTRIM in one MULTI', capKey, (r, e) =>
          new ActivityFeed({ redis: r, keyPrefix: `${ns}:race:`, cap: CAP }).push('multi', e),
        ),
        await race('LPUSH, then LTRIM separately', `${ns}:race:separate`, (r, e) =>
          pushThenTrimSeparately(r, `${ns}:race:separate`, CAP, e),
        ),
      ];
      ctx.log('');
      ctx.log(`${PUSHERS} concurrent pushers × ${perPusher} events, cap ${CAP}, one reader polling LLEN:`);
      for (const r of rows)
        ctx.log(
          `  ${r.label.padEnd(30)} longest seen ${r.maxSeen}, ${r.readsOverCap} of ${r.reads} reads over the cap`,
        );
      ctx.record.table({
        id: 'concurrent-cap',
        title: `${PUSHERS} concurrent pushers × ${perPusher} events into one feed capped at ${CAP}`,
        columns: [
          { key: 'label', label: 'Push' },
          { key: 'maxSeen', label: 'Longest list a reader saw' },
          { key: 'readsOverCap', label: 'Reads over the cap' },
          { key: 'reads', label: 'Reads' },
        ],
        rows,
        chart: { type: 'bar', x: 'label', y: ['maxSeen'], title: `Longest list seen (cap ${CAP})` },
      });
      ctx.record.figure('multi-max-seen', 'Longest list a reader saw, MULTI', rows[0]!.maxSeen);
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await Promise.all([redis, ...pushers].map((r) => r.quit().catch(() => r.disconnect())));
    }
  },
});
