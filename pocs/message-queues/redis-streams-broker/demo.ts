import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder, round, runLoad } from '../../../src/lab/index.ts';
import { ActivityLog } from './ActivityLog.ts';
import { OffsetConsumer } from './OffsetConsumer.ts';

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const redis = new Redis(url);
    const connections: Redis[] = [redis];
    const connect = () => {
      const c = new Redis(url);
      connections.push(c);
      return c;
    };
    const events = ctx.quick ? 300 : 3_000;
    try {
      // ---- Part 1: a consumer is offline for the middle third of the events: pub/sub vs stream ----
      ctx.log(`${events} events; both consumers are offline for the middle third.`);
      const channel = `${ns}:events`;
      const log = new ActivityLog(redis, { key: `${ns}:events`, maxLen: 100_000 });
      const offsetKey = `${ns}:offset:worker`;
      const streamSeen: number[] = [];
      const pubsubSeen: number[] = [];
      const onEntries = (entries: { fields: Record<string, string> }[]) => {
        for (const e of entries) streamSeen.push(Number(e.fields.n));
      };

      const subscribe = async () => {
        const sub = connect();
        sub.on('message', (_c: string, m: string) => pubsubSeen.push(Number(m)));
        await sub.subscribe(channel);
        return sub;
      };
      let sub = await subscribe();
      let consumer = new OffsetConsumer(log, redis, connect(), { offsetKey, startFrom: '0', blockMs: 20 });
      const produce = async (from: number, to: number) => {
        for (let n = from; n < to; n++) {
          await Promise.all([redis.publish(channel, String(n)), log.append({ n, type: 'order.paid' })]);
        }
      };
      const third = Math.floor(events / 3);
      ctx.progress('first third, both online');
      await produce(0, third);
      await consumer.catchUp(onEntries);
      await sub.quit(); // both consumers go away
      ctx.progress('middle third, both offline');
      await produce(third, 2 * third);
      sub = await subscribe();
      consumer = new OffsetConsumer(log, redis, connect(), { offsetKey, startFrom: '0', blockMs: 20 }); // a restarted process
      ctx.progress('last third, both back');
      await produce(2 * third, events);
      await consumer.catchUp(onEntries);
      await new Promise((r) => setTimeout(r, 200));

      const dupes = (seen: number[]) => seen.length - new Set(seen).size;
      const inOrder = (seen: number[]) => seen.every((n, i) => i === 0 || n > (seen[i - 1] as number));
      const rows = [
        {
          consumer: 'pub/sub subscriber',
          received: pubsubSeen.length,
          missed: events - new Set(pubsubSeen).size,
          duplicates: dupes(pubsubSeen),
          inOrder: inOrder(pubsubSeen),
        },
        {
          consumer: 'stream consumer (saved last id)',
          received: streamSeen.length,
          missed: events - new Set(streamSeen).size,
          duplicates: dupes(streamSeen),
          inOrder: inOrder(streamSeen),
        },
      ];
      for (const r of rows)
        ctx.log(
          `  ${r.consumer}: received ${r.received}/${events}, missed ${r.missed}, duplicates ${r.duplicates}`,
        );
      ctx.record.table({
        id: 'offline-consumer',
        title: `${events} events, consumer offline for the middle third`,
        columns: [
          { key: 'consumer', label: 'Consumer' },
          { key: 'received', label: 'Received' },
          { key: 'missed', label: 'Missed' },
          { key: 'duplicates', label: 'Duplicates' },
          { key: 'inOrder', label: 'In order' },
        ],
        rows,
        chart: { type: 'bar', x: 'consumer', y: ['received', 'missed'] },
      });
      ctx.record.figure('events', 'Events published', events);
      ctx.record.figure('pubsub-missed', 'Events the pub/sub subscriber missed', rows[0]!.missed);
      ctx.record.figure('stream-missed', 'Events the stream consumer missed', rows[1]!.missed);

      // ---- Part 2: retention: no trimming, approximate and exact MAXLEN ----
      const appends = ctx.quick ? 2_000 : 20_000;
      const keep = 1_000;
      ctx.log(`\nRetention: ${appends} appends by 8 concurrent producers, keep ${keep}.`);
      const trimRows = [];
      for (const [label, args] of [
        ['no trimming', [] as string[]],
        [`MAXLEN ~ ${keep}`, ['MAXLEN', '~', String(keep)]],
        [`MAXLEN = ${keep}`, ['MAXLEN', '=', String(keep)]],
      ] as const) {
        ctx.progress(`retention: ${label}`);
        const key: string = `${ns}:trim:${trimRows.length}`;
        const load = await runLoad(
          (i) => redis.xadd(key, ...args, '*', 'user', `u${i % 50}`, 'action', 'view', 'page', `/p/${i}`),
          { concurrency: 8, totalOps: appends, signal: ctx.signal },
        );
        const bytes = Number(await redis.call('MEMORY', 'USAGE', key));
        trimRows.push({
          retention: label,
          length: await redis.xlen(key),
          memoryKiB: round(bytes / 1024, 1),
          appendsPerSec: Math.round(load.opsPerSec),
          p99: load.latency.p99,
        });
        ctx.log(
          `  ${label}: XLEN ${await redis.xlen(key)}, ${round(bytes / 1024, 1)} KiB, ${Math.round(load.opsPerSec)} XADD/s`,
        );
      }
      ctx.record.table({
        id: 'retention',
        title: `${appends} XADDs with and without trimming (keep ${keep})`,
        columns: [
          { key: 'retention', label: 'Retention' },
          { key: 'length', label: 'XLEN after' },
          { key: 'memoryKiB', label: 'Memory', unit: 'KiB' },
          { key: 'appendsPerSec', label: 'XADD throughput', unit: 'ops/s' },
          { key: 'p99', label: 'XADD p99', unit: 'ms' },
        ],
        rows: trimRows,
      });

      // ---- Part 3: tailing latency, XADD to XREAD BLOCK wake-up ----
      ctx.progress('tail latency');
      const tailLog = new ActivityLog(redis, { key: `${ns}:tail`, maxLen: 10_000 });
      const tailReader = connect();
      const latency = new LatencyRecorder();
      const samples = ctx.quick ? 100 : 1_000;
      let last = '$';
      const tail = (async () => {
        let got = 0;
        while (got < samples) {
          for (const e of await tailLog.readAfter(tailReader, last, { blockMs: 1_000, count: 100 })) {
            latency.recordMs(performance.timeOrigin + performance.now() - Number(e.fields.t));
            last = e.id;
            got++;
          }
        }
      })();
      await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < samples; i++) {
        await tailLog.append({ t: performance.timeOrigin + performance.now() });
        await new Promise((r) => setTimeout(r, 1));
      }
      await tail;
      const tailSummary = latency.summary();
      ctx.log(
        `\nXADD -> XREAD BLOCK wake-up: p50 ${tailSummary.p50} ms, p99 ${tailSummary.p99} ms (${samples} entries)`,
      );
      ctx.record.figure('tail-p50', 'XADD to XREAD BLOCK delivery p50', tailSummary.p50, 'ms');
      ctx.record.figure('tail-p99', 'XADD to XREAD BLOCK delivery p99', tailSummary.p99, 'ms');
      ctx.record.note(
        'Streams keep entries until trimmed, so a consumer that remembers its last id catches up after downtime; pub/sub keeps nothing.',
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
