import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder } from '../../../src/lab/index.ts';
import { PriorityQueue, peekThenRemove } from './PriorityQueue.ts';

const WORKERS = 5;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const redis = new Redis(url);
    const workers = Array.from({ length: WORKERS }, () => new Redis(url));
    const ns = ctx.namespace;
    try {
      // ── 1. Exactly once: BZPOPMIN vs peek-then-remove ───────────────────────────────────────
      const jobs = ctx.quick ? 500 : 5_000;
      const fill = async (key: string) => {
        const q = new PriorityQueue(redis, key);
        for (let i = 0; i < jobs; i += 500) {
          await Promise.all(
            Array.from({ length: Math.min(500, jobs - i) }, (_, k) =>
              q.enqueue(`job-${i + k}`, (i + k) % 10),
            ),
          );
        }
      };
      const drain = async (label: string, key: string, take: (c: Redis) => Promise<string | null>) => {
        ctx.signal.throwIfAborted();
        ctx.progress(label);
        await fill(key);
        const t0 = performance.now();
        const popped = (
          await Promise.all(
            workers.map(async (c) => {
              const mine: string[] = [];
              for (let job = await take(c); job !== null; job = await take(c)) mine.push(job);
              return mine;
            }),
          )
        ).flat();
        const seconds = (performance.now() - t0) / 1000;
        const distinct = new Set(popped).size;
        return {
          label,
          jobs,
          deliveries: popped.length,
          duplicates: popped.length - distinct,
          missing: jobs - distinct,
          jobsPerSec: Math.round(jobs / seconds),
        };
      };
      const rows = [
        await drain(
          'BZPOPMIN',
          `${ns}:atomic`,
          async (c) => (await new PriorityQueue(c, `${ns}:atomic`).dequeue(0.05))?.job ?? null,
        ),
        await drain('ZRANGE 0 0, then ZREM', `${ns}:racy`, (c) => peekThenRemove(c, `${ns}:racy`)),
      ];
      ctx.log(`${jobs} jobs, ${WORKERS} workers on their own connections:`);
      for (const r of rows)
        ctx.log(
          `  ${r.label.padEnd(22)} deliveries ${r.deliveries}, duplicates ${r.duplicates}, missing ${r.missing}`,
        );
      ctx.record.figure('bzpopmin-duplicates', 'Jobs delivered twice with BZPOPMIN', rows[0]!.duplicates);
      ctx.record.figure('racy-duplicates', 'Jobs delivered twice with peek-then-remove', rows[1]!.duplicates);
      ctx.record.table({
        id: 'exactly-once',
        title: `${jobs} jobs drained by ${WORKERS} concurrent workers`,
        columns: [
          { key: 'label', label: 'Dequeue' },
          { key: 'deliveries', label: 'Deliveries' },
          { key: 'duplicates', label: 'Duplicate deliveries' },
          { key: 'missing', label: 'Never delivered' },
          { key: 'jobsPerSec', label: 'Throughput', unit: 'jobs/s' },
        ],
        rows,
        chart: { type: 'bar', x: 'label', y: ['duplicates'], title: 'Duplicate deliveries' },
      });

      // ── 2. Waiting time per priority under load ─────────────────────────────────────────────
      // Producers enqueue faster than the workers finish 2 ms jobs: urgent jobs should barely wait.
      ctx.signal.throwIfAborted();
      ctx.progress('waiting time per priority');
      const key = `${ns}:load`;
      const producer = new PriorityQueue(redis, key);
      const total = ctx.quick ? 600 : 3_000;
      const enqueuedAt = new Map<string, number>();
      const waits = [0, 1, 2].map(() => new LatencyRecorder());
      let produced = 0;
      const producing = (async () => {
        while (produced < total) {
          const batch = Array.from({ length: 10 }, () => {
            const i = produced++;
            const priority = i % 10 === 0 ? 0 : i % 10 < 4 ? 1 : 2; // 10 % urgent, 30 % normal, 60 % bulk
            const id = `p${priority}-${i}`;
            enqueuedAt.set(id, performance.now());
            return producer.enqueue(id, priority);
          });
          await Promise.all(batch);
          await sleep(1);
        }
      })();
      await Promise.all(
        workers.map(async (c) => {
          const q = new PriorityQueue(c, key);
          for (;;) {
            const claimed = await q.dequeue(0.2);
            if (claimed === null) {
              if (produced >= total) return;
              continue;
            }
            waits[claimed.priority]!.recordMs(performance.now() - enqueuedAt.get(claimed.job)!);
            await sleep(2);
          }
        }),
      );
      await producing;
      const waitRows = ['0 (urgent, 10 %)', '1 (normal, 30 %)', '2 (bulk, 60 %)'].map((priority, i) => {
        const s = waits[i]!.summary();
        return { priority, jobs: s.count, p50: s.p50, p99: s.p99 };
      });
      ctx.log('');
      ctx.log(`${total} jobs arriving faster than ${WORKERS} workers finish them (2 ms each):`);
      for (const r of waitRows)
        ctx.log(`  priority ${r.priority.padEnd(17)} wait p50 ${r.p50} ms  p99 ${r.p99} ms`);
      ctx.record.table({
        id: 'wait-by-priority',
        title: `Time from enqueue to dequeue per priority, ${total} jobs, ${WORKERS} workers, queue backlogged`,
        columns: [
          { key: 'priority', label: 'Priority' },
          { key: 'jobs', label: 'Jobs' },
          { key: 'p50', label: 'Wait p50', unit: 'ms' },
          { key: 'p99', label: 'Wait p99', unit: 'ms' },
        ],
        rows: waitRows,
        chart: {
          type: 'bar',
          x: 'priority',
          y: ['p50', 'p99'],
          title: 'Wait per priority (lower is better)',
        },
      });
      ctx.record.note(
        'A job’s wait is measured in this process from just before its enqueue call to its dequeue; producers and ' +
          'workers share the process and its clock.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await Promise.all([redis, ...workers].map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
