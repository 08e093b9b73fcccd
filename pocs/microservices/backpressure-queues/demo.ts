import amqp from 'amqplib';
import { defineDemo } from '../../../src/lab/index.ts';
import { round } from '../../../src/results/ResultRecorder.ts';
import { sendJobs, startJobServerInWorker } from './loadShedding.ts';
import type { MemorySample, OverloadOptions, OverloadVariant } from './overload.ts';
import { declareBoundedQueue, deliveriesHeld, publishAll, publishWithBackoff } from './rabbitBackpressure.ts';
import { runOverloadInWorker } from './runInWorker.ts';

interface Row {
  key: string;
  label: string;
  offered: number;
  delivered: number;
  backlog: number;
  shed: number;
  growthMB: number;
  samples: MemorySample[];
}

const IN_PROCESS: [OverloadVariant, string][] = [
  ['unbounded', 'unbounded array'],
  ['stream-ignoring-write', 'stream, write() result ignored'],
  ['bounded-blocking', 'bounded queue, await put()'],
  ['stream-highwatermark', "stream, write() false -> 'drain'"],
];

export default defineDemo({
  async run(ctx) {
    const durationMs = ctx.quick ? 1_000 : 4_000;
    const sampleEveryMs = ctx.quick ? 100 : 250;
    const options: OverloadOptions = {
      durationMs,
      producePerTick: 100,
      tickMs: 10,
      capacity: 100,
      sampleEveryMs,
    };
    ctx.log(
      `Part 1: a producer offers ${options.producePerTick} jobs per ${options.tickMs} ms tick, the consumer finishes ` +
        `${options.producePerTick / 10}: 10x overload for ${durationMs} ms. Each variant runs in its own worker thread.`,
    );
    const rows: Row[] = [];
    for (const [variant, label] of IN_PROCESS) {
      if (ctx.signal.aborted) return;
      ctx.progress(label);
      const r = await runOverloadInWorker(variant, options);
      rows.push({
        key: variant,
        label,
        offered: r.produced,
        delivered: r.delivered,
        backlog: r.queuedAtEnd,
        shed: 0,
        growthMB: round(r.peakHeapMB - r.baselineHeapMB, 1),
        samples: r.samples,
      });
    }
    for (const capacity of [null, 100]) {
      if (ctx.signal.aborted) return;
      const label = capacity === null ? 'HTTP, unbounded queue' : `HTTP, ${capacity} queued then 429`;
      ctx.progress(label);
      const server = await startJobServerInWorker({ capacity, serviceMs: 10 }, sampleEveryMs);
      const load = await sendJobs({
        url: server.url,
        perTick: 10,
        tickMs: 10,
        durationMs,
        payloadNumbers: 256,
      });
      const { samples, stats } = await server.stop();
      const heap = samples.map((s) => s.heapUsedMB);
      rows.push({
        key: capacity === null ? 'http-unbounded' : 'http-shedding',
        label,
        offered: load.sent,
        delivered: stats.processed,
        backlog: stats.queued,
        shed: load.shed,
        growthMB: round(Math.max(...heap) - heap[0]!, 1),
        samples,
      });
    }
    for (const r of rows)
      ctx.log(
        `  ${r.label.padEnd(34)} offered ${r.offered}, delivered ${r.delivered}, backlog ${r.backlog}, ` +
          `shed ${r.shed}, heap +${r.growthMB} MB`,
      );

    ctx.record.table({
      id: 'outcomes',
      title: `10x overload for ${durationMs} ms: where the work went`,
      columns: [
        { key: 'variant', label: 'Variant' },
        { key: 'offered', label: 'Offered' },
        { key: 'delivered', label: 'Delivered' },
        { key: 'backlog', label: 'Backlog in memory at the end' },
        { key: 'shed', label: 'Shed (429)' },
        { key: 'growthMB', label: 'Peak heap growth', unit: 'MB' },
      ],
      rows: rows.map((r) => ({
        variant: r.label,
        offered: r.offered,
        delivered: r.delivered,
        backlog: r.backlog,
        shed: r.shed,
        growthMB: r.growthMB,
      })),
      chart: { type: 'bar', x: 'variant', y: ['growthMB'], title: 'Peak heap growth (MB)' },
    });
    const points = Math.min(...rows.map((r) => r.samples.length));
    ctx.record.table({
      id: 'memory-over-time',
      title: 'heapUsed of each variant over time (MB, sampled in its own worker)',
      columns: [
        { key: 't', label: 'Time', unit: 's' },
        ...rows.map((r) => ({ key: r.key, label: r.label, unit: 'MB' })),
      ],
      rows: Array.from({ length: points }, (_, i) => ({
        t: round((i * sampleEveryMs) / 1000, 2),
        ...Object.fromEntries(rows.map((r) => [r.key, round(r.samples[i]!.heapUsedMB, 1)])),
      })),
      chart: { type: 'line', x: 't', y: rows.map((r) => r.key), title: 'Heap used over time (MB)' },
    });

    // ---- Part 2: the broker pushes back ----
    const connection = await amqp.connect(ctx.service('rabbitmq').url);
    const queues: string[] = [];
    const q = (name: string) => {
      queues.push(`${ctx.namespace}.${name}`);
      return `${ctx.namespace}.${name}`;
    };
    try {
      const confirm = await connection.createConfirmChannel();
      const total = ctx.quick ? 300 : 2_000;
      const maxLength = 100;
      const rejectQ = q('reject');
      await declareBoundedQueue(confirm, rejectQ, maxLength);
      const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
      const outcome = await publishAll(confirm, rejectQ, ids('r', total));
      const depth = (await confirm.checkQueue(rejectQ)).messageCount;

      const backoffQ = q('backoff');
      await declareBoundedQueue(confirm, backoffQ, 20);
      const consumer = await connection.createChannel();
      await consumer.prefetch(1);
      let consumed = 0;
      await consumer.consume(backoffQ, (msg) => {
        if (!msg) return;
        setTimeout(() => {
          consumer.ack(msg);
          consumed++; // counted once acked, so the channel is never closed under a pending ack
        }, 1);
      });
      const slowTotal = ctx.quick ? 150 : 600;
      const backoff = await publishWithBackoff(confirm, backoffQ, ids('b', slowTotal), {
        window: 20,
        backoffMs: 5,
        signal: ctx.signal,
      });
      while (consumed < slowTotal && !ctx.signal.aborted) await new Promise((r) => setTimeout(r, 10));
      await consumer.close();

      const prefetchQ = q('prefetch');
      await confirm.assertQueue(prefetchQ, { durable: false });
      await publishAll(confirm, prefetchQ, ids('p', total));
      const bounded = await connection.createChannel();
      const held10 = await deliveriesHeld(bounded, prefetchQ, 10, 300);
      await bounded.close();
      const unbounded = await connection.createChannel();
      const held0 = await deliveriesHeld(unbounded, prefetchQ, 0, 500);
      await unbounded.close();

      ctx.record.table({
        id: 'rabbitmq',
        title: 'RabbitMQ pushing back: bounded queue with reject-publish, and consumer prefetch',
        columns: [
          { key: 'mechanism', label: 'Mechanism' },
          { key: 'offered', label: 'Offered' },
          { key: 'accepted', label: 'Accepted / delivered' },
          { key: 'refused', label: 'Nacked / held back' },
          { key: 'bound', label: 'Bound' },
        ],
        rows: [
          {
            mechanism: `x-max-length ${maxLength}, reject-publish, no consumer`,
            offered: total,
            accepted: outcome.acked.length,
            refused: outcome.nacked.length,
            bound: maxLength,
          },
          {
            mechanism: 'x-max-length 20 + slow consumer, publisher backs off on nack',
            offered: slowTotal,
            accepted: consumed,
            refused: backoff.nacks,
            bound: 20,
          },
          {
            mechanism: 'consumer prefetch 10',
            offered: total,
            accepted: held10,
            refused: total - held10,
            bound: 10,
          },
          {
            mechanism: 'consumer prefetch 0 (unlimited)',
            offered: total,
            accepted: held0,
            refused: total - held0,
            bound: 0,
          },
        ],
      });
      ctx.record.figure(
        'rabbit-queue-depth',
        `Queue depth after ${total} publishes (max-length ${maxLength})`,
        depth,
      );
      ctx.record.figure('rabbit-nacked', 'Publishes nacked by reject-publish', outcome.nacked.length);
      ctx.log(
        `RabbitMQ: ${outcome.nacked.length} of ${total} publishes nacked, queue depth ${depth}; backoff publisher ` +
          `saw ${backoff.nacks} nacks and delivered ${consumed}/${slowTotal}; prefetch 10 held ${held10}, prefetch 0 held ${held0}.`,
      );
    } finally {
      const ch = await connection.createChannel();
      for (const name of queues) await ch.deleteQueue(name).catch(() => {});
      await connection.close();
    }

    const row = (key: string) => rows.find((r) => r.key === key)!;
    ctx.record.figure(
      'unbounded-heap-growth',
      'Unbounded queue: peak heap growth',
      row('unbounded').growthMB,
      'MB',
    );
    ctx.record.figure(
      'blocking-heap-growth',
      'Bounded blocking queue: peak heap growth',
      row('bounded-blocking').growthMB,
      'MB',
    );
    ctx.record.figure(
      'blocking-lost',
      'Bounded blocking queue: jobs lost',
      row('bounded-blocking').offered - row('bounded-blocking').delivered - row('bounded-blocking').backlog,
    );
    ctx.record.figure(
      'http-shed',
      'HTTP with a bounded queue: requests shed with 429',
      row('http-shedding').shed,
    );
    ctx.record.compare({
      id: 'heap-growth',
      title: 'Peak heap growth at 10x overload',
      unit: 'MB',
      better: 'lower',
      baseline: { label: 'unbounded array', value: row('unbounded').growthMB },
      candidate: { label: 'bounded queue, await put()', value: row('bounded-blocking').growthMB },
    });
    ctx.record.note(
      "Heap figures are process.memoryUsage().heapUsed sampled inside each variant's worker thread (its own V8 isolate); " +
        'garbage collection makes single samples noisy, the trend is the signal.',
    );
  },
});
