import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { runCrashScenario } from './crashScenario.ts';
import { ReliableQueue } from './ReliableQueue.ts';
import { runWorker, type WorkerMode } from './worker.ts';

const HEARTBEAT_TTL_MS = 500;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const redis = new Redis(url);
    const ns = ctx.namespace;
    try {
      // ── 1. A worker process SIGKILLed mid-job, BLMOVE vs BRPOP ──────────────────────────────
      const jobs = ctx.quick ? 60 : 400;
      const killAtStart = ctx.quick ? 20 : 150;
      const crashes = [];
      for (const mode of ['brpop', 'reliable'] as const) {
        ctx.signal.throwIfAborted();
        ctx.progress(`crash scenario: ${mode}`);
        crashes.push(
          await runCrashScenario({
            redis,
            url,
            prefix: `${ns}:${mode}:`,
            mode,
            jobs,
            killAtStart,
            jobMs: 10,
            heartbeatTtlMs: HEARTBEAT_TTL_MS,
            signal: ctx.signal,
          }),
        );
      }
      const label = (mode: WorkerMode) =>
        mode === 'reliable' ? 'BLMOVE + processing list + reaper' : 'BRPOP';
      ctx.log(
        `${jobs} jobs; the worker process is SIGKILLed while working on job #${killAtStart}; a second worker finishes:`,
      );
      for (const c of crashes) {
        ctx.log(
          `  ${label(c.mode).padEnd(34)} completed ${c.completedUnique}/${c.jobs}, lost ${c.lost}, duplicates ${c.duplicates}, requeued ${c.requeuedByReaper}`,
        );
      }
      const [brpop, reliable] = crashes as [(typeof crashes)[0], (typeof crashes)[0]];
      ctx.record.figure('brpop-lost', 'Jobs lost with BRPOP after one worker crash', brpop.lost);
      ctx.record.figure(
        'reliable-lost',
        'Jobs lost with BLMOVE + reaper after one worker crash',
        reliable.lost,
      );
      ctx.record.figure('reliable-duplicates', 'Jobs run twice with BLMOVE + reaper', reliable.duplicates);
      ctx.record.figure(
        'reliable-recovery-ms',
        'Kill to last job done, BLMOVE + reaper (heartbeat TTL included)',
        reliable.recoveryMs,
        'ms',
      );
      ctx.record.table({
        id: 'crash',
        title: `${jobs} jobs, one worker process SIGKILLed mid-job`,
        columns: [
          { key: 'method', label: 'Claim' },
          { key: 'completed', label: 'Completed' },
          { key: 'lost', label: 'Lost' },
          { key: 'duplicates', label: 'Run twice' },
          { key: 'requeued', label: 'Requeued by reaper' },
        ],
        rows: crashes.map((c) => ({
          method: label(c.mode),
          completed: c.completedUnique,
          lost: c.lost,
          duplicates: c.duplicates,
          requeued: c.requeuedByReaper,
        })),
        chart: { type: 'bar', x: 'method', y: ['lost', 'duplicates'], title: 'Lost and duplicated jobs' },
      });

      // ── 2. What reliability costs: throughput of empty jobs ──────────────────────────────────
      const throughputJobs = ctx.quick ? 1_000 : 10_000;
      const rows = [];
      for (const mode of ['brpop', 'reliable'] as const) {
        ctx.signal.throwIfAborted();
        ctx.progress(`throughput: ${mode}`);
        const prefix = `${ns}:tp:${mode}:`;
        const queue = new ReliableQueue(redis, prefix);
        const ids = Array.from({ length: throughputJobs }, (_, i) => `t${i}`);
        for (let i = 0; i < ids.length; i += 1_000) await queue.enqueue(...ids.slice(i, i + 1_000));
        const t0 = performance.now();
        await Promise.all(
          Array.from({ length: 4 }, (_, w) =>
            runWorker({
              url,
              prefix,
              workerId: `w${w}`,
              mode,
              jobMs: 0,
              heartbeatTtlMs: 5_000,
              idleExitMs: 1,
              signal: ctx.signal,
            }),
          ),
        );
        // The workers wait out a 100 ms blocking claim before noticing the queue is empty.
        const seconds = (performance.now() - t0 - 100) / 1000;
        rows.push({
          method: label(mode),
          jobsPerSec: Math.round(throughputJobs / seconds),
          commandsPerJob: mode === 'reliable' ? 3 : 2,
        });
      }
      ctx.log('');
      ctx.log(`${throughputJobs} empty jobs, 4 workers:`);
      for (const r of rows) ctx.log(`  ${r.method.padEnd(34)} ${r.jobsPerSec} jobs/s`);
      ctx.record.table({
        id: 'throughput',
        title: `${throughputJobs} empty jobs, 4 workers on their own connections`,
        columns: [
          { key: 'method', label: 'Claim' },
          { key: 'jobsPerSec', label: 'Throughput', unit: 'jobs/s' },
          { key: 'commandsPerJob', label: 'Redis commands per job' },
        ],
        rows,
        chart: { type: 'bar', x: 'method', y: ['jobsPerSec'], title: 'Jobs per second (higher is better)' },
      });
      ctx.record.compare({
        id: 'throughput',
        title: 'Throughput of empty jobs',
        unit: 'jobs/s',
        better: 'higher',
        baseline: { label: 'BRPOP', value: rows[0]!.jobsPerSec },
        candidate: { label: 'BLMOVE + LREM', value: rows[1]!.jobsPerSec },
      });
      ctx.record.note(
        'Commands per job count the claim, the job’s own effect (HINCRBY of its completion count) and, for the reliable ' +
          'queue, the LREM acknowledgement. The heartbeat adds one small MULTI per worker per TTL/3, not per job.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
