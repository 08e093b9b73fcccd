import { availableParallelism } from 'node:os';
import { defineDemo, round } from '../../../src/lab/index.ts';
import { calibratePbkdf2Iterations } from './cpuWork.ts';
import { LabServerProcess } from './LabServerProcess.ts';
import {
  type LoopPhaseResult,
  measureLoopPhase,
  measurePoolPhase,
  type PoolPhaseResult,
} from './scenarios.ts';

const BLOCK_MS = 40; // one piece of CPU work, e.g. hashing a password or parsing a large JSON body
const HASH_MS = 20; // one async pbkdf2 on an idle core
const HASH_CALLERS = 8; // hashes in flight: twice the default pool of 4

export default defineDemo({
  async run(ctx) {
    const durationMs = ctx.quick ? 300 : 2_000;
    const cores = availableParallelism();
    const cpuWorkers = Math.max(1, cores - 1); // leave a core for the event loop
    const phase = { durationMs, signal: ctx.signal };
    const hashIterations = calibratePbkdf2Iterations(HASH_MS);
    const servers: LabServerProcess[] = [];
    const start = async (options: Parameters<typeof LabServerProcess.start>[0]) => {
      const server = await LabServerProcess.start(options);
      servers.push(server);
      return server;
    };

    try {
      // ---- Part 1: CPU work on the event loop vs on worker threads ----
      ctx.log(
        `Machine: ${cores} cores. Each CPU job burns ${BLOCK_MS} ms of pbkdf2; 2 callers send them back to back.`,
      );
      ctx.log(`2 other callers hit GET /fast (no work at all). ${durationMs} ms per phase.`);
      const loopServer = await start({ cpuWorkers, hashIterations });
      // Start the workers and JIT before measuring: the first message to a worker pays its start-up.
      await Promise.all(Array.from({ length: cpuWorkers * 2 }, () => loopServer.get('/offload?ms=1')));
      await Promise.all(Array.from({ length: 50 }, () => loopServer.get('/fast')));

      const loopRows: [string, LoopPhaseResult][] = [];
      for (const [label, path] of [
        ['idle: only /fast', null],
        ['CPU work on the event loop (pbkdf2Sync)', `/block?ms=${BLOCK_MS}`],
        [`same work on worker_threads (${cpuWorkers})`, `/offload?ms=${BLOCK_MS}`],
      ] as const) {
        ctx.progress(`event loop: ${label}`);
        const result = await measureLoopPhase(loopServer, path, phase);
        loopRows.push([label, result]);
        ctx.log(
          `  ${label}: /fast p50 ${result.fast.p50} ms, p99 ${result.fast.p99} ms; ` +
            `event-loop delay p99 ${result.loopDelayP99Ms} ms (max ${result.loopDelayMaxMs} ms)`,
        );
      }
      ctx.record.table({
        id: 'event-loop',
        title: `A fast endpoint while ${BLOCK_MS} ms CPU jobs run on the event loop, then on worker threads`,
        columns: [
          { key: 'scenario', label: 'Scenario' },
          { key: 'fastP50', label: '/fast p50', unit: 'ms' },
          { key: 'fastP99', label: '/fast p99', unit: 'ms' },
          { key: 'loopDelayP99', label: 'Event-loop delay p99', unit: 'ms' },
          { key: 'loopDelayMax', label: 'Event-loop delay max', unit: 'ms' },
          { key: 'cpuJobsPerSec', label: 'CPU jobs done', unit: 'jobs/s' },
        ],
        rows: loopRows.map(([scenario, r]) => ({
          scenario,
          fastP50: r.fast.p50,
          fastP99: r.fast.p99,
          loopDelayP99: r.loopDelayP99Ms,
          loopDelayMax: r.loopDelayMaxMs,
          cpuJobsPerSec: round(r.cpuJobsPerSec, 1),
        })),
        chart: {
          type: 'bar',
          x: 'scenario',
          y: ['fastP99', 'loopDelayP99'],
          title: 'p99 (ms), lower is better',
        },
      });
      const [, blocked, offloaded] = loopRows.map(([, r]) => r) as [
        LoopPhaseResult,
        LoopPhaseResult,
        LoopPhaseResult,
      ];
      ctx.record.figure('cores', 'CPU cores', cores);
      ctx.record.figure('cpu-workers', 'Worker threads for CPU work', cpuWorkers);
      ctx.record.figure('block-ms', 'Duration of one CPU job', BLOCK_MS, 'ms');
      ctx.record.figure(
        'blocked-loop-delay-p99',
        'Event-loop delay p99, CPU work on the loop',
        blocked.loopDelayP99Ms,
        'ms',
      );
      ctx.record.figure(
        'offloaded-loop-delay-p99',
        'Event-loop delay p99, CPU work on worker threads',
        offloaded.loopDelayP99Ms,
        'ms',
      );
      ctx.record.figure('blocked-fast-p99', '/fast p99, CPU work on the loop', blocked.fast.p99, 'ms');
      ctx.record.figure(
        'offloaded-fast-p99',
        '/fast p99, CPU work on worker threads',
        offloaded.fast.p99,
        'ms',
      );
      ctx.record.compare({
        id: 'offload-fast-p99',
        title: '/fast p99: CPU work on the event loop vs on worker threads',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'on the loop', value: blocked.fast.p99 },
        candidate: { label: 'worker_threads', value: offloaded.fast.p99 },
      });
      ctx.record.compare({
        id: 'offload-loop-delay-p99',
        title: 'Event-loop delay p99: CPU work on the event loop vs on worker threads',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'on the loop', value: blocked.loopDelayP99Ms },
        candidate: { label: 'worker_threads', value: offloaded.loopDelayP99Ms },
      });
      if (ctx.signal.aborted) return;

      // ---- Part 2: the libuv thread pool, shared by crypto.pbkdf2, fs and dns.lookup ----
      ctx.log('');
      ctx.log(
        `${HASH_CALLERS} callers keep async crypto.pbkdf2 (${HASH_MS} ms each) in flight; one caller probes GET /fs (one fs.stat).`,
      );
      const pool4 = await start({ threadpoolSize: 4, hashIterations });
      const bounded = await start({ threadpoolSize: 4, hashConcurrency: 2, hashIterations });
      const pool16 = await start({ threadpoolSize: 16, hashIterations });
      for (const s of [pool4, bounded, pool16])
        await Promise.all(Array.from({ length: 20 }, () => s.get('/fs')));

      const poolRows: [string, PoolPhaseResult][] = [];
      for (const [label, server, callers] of [
        ['pool 4, idle (no hashing)', pool4, 0],
        [`pool 4, ${HASH_CALLERS} hashes in flight`, pool4, HASH_CALLERS],
        [`pool 4, hashes bounded to 2 at a time`, bounded, HASH_CALLERS],
        [`UV_THREADPOOL_SIZE=16, ${HASH_CALLERS} hashes in flight`, pool16, HASH_CALLERS],
      ] as const) {
        ctx.progress(`thread pool: ${label}`);
        const result = await measurePoolPhase(server, callers, phase);
        poolRows.push([label, result]);
        ctx.log(
          `  ${label}: /fs p50 ${result.fs.p50} ms, p99 ${result.fs.p99} ms; fs.stat waited behind ` +
            `${result.hashesAheadMean} hashes on average; hash p50 ${result.hash?.p50 ?? '-'} ms, ` +
            `${round(result.hashesPerSec, 1)} hashes/s; event-loop delay p99 ${result.loopDelayP99Ms} ms`,
        );
      }
      ctx.record.table({
        id: 'thread-pool',
        title: `An fs.stat while ${HASH_CALLERS} async pbkdf2 calls compete for the libuv thread pool`,
        columns: [
          { key: 'scenario', label: 'Scenario' },
          { key: 'fsP50', label: '/fs p50', unit: 'ms' },
          { key: 'fsP99', label: '/fs p99', unit: 'ms' },
          { key: 'statP99', label: 'fs.stat in the server p99', unit: 'ms' },
          { key: 'hashesAhead', label: 'Hashes finished during one fs.stat (mean)' },
          { key: 'hashP50', label: 'Hash request p50', unit: 'ms' },
          { key: 'hashesPerSec', label: 'Hashes done', unit: 'hashes/s' },
          { key: 'loopDelayP99', label: 'Event-loop delay p99', unit: 'ms' },
        ],
        rows: poolRows.map(([scenario, r]) => ({
          scenario,
          fsP50: r.fs.p50,
          fsP99: r.fs.p99,
          statP99: r.statP99Ms,
          hashesAhead: r.hashesAheadMean,
          hashP50: r.hash?.p50 ?? null,
          hashesPerSec: round(r.hashesPerSec, 1),
          loopDelayP99: r.loopDelayP99Ms,
        })),
        chart: { type: 'bar', x: 'scenario', y: ['fsP99', 'hashP50'], title: 'ms, lower is better' },
      });
      const [, saturated, limited, bigger] = poolRows.map(([, r]) => r) as PoolPhaseResult[] as [
        PoolPhaseResult,
        PoolPhaseResult,
        PoolPhaseResult,
        PoolPhaseResult,
      ];
      ctx.record.figure('saturated-fs-p99', '/fs p99, pool of 4 saturated by pbkdf2', saturated.fs.p99, 'ms');
      ctx.record.figure('bounded-fs-p99', '/fs p99, pbkdf2 bounded to 2 of 4 threads', limited.fs.p99, 'ms');
      ctx.record.figure('pool16-fs-p99', '/fs p99, UV_THREADPOOL_SIZE=16', bigger.fs.p99, 'ms');
      ctx.record.figure(
        'saturated-hashes-ahead',
        'Hashes finished during one fs.stat, pool of 4 saturated',
        saturated.hashesAheadMean,
      );
      ctx.record.figure(
        'pool4-hashes-per-sec',
        'Hashes done per second with 4 threads',
        round(saturated.hashesPerSec, 1),
        'hashes/s',
      );
      ctx.record.figure(
        'pool16-hashes-per-sec',
        `Hashes done per second with 16 threads on ${cores} cores`,
        round(bigger.hashesPerSec, 1),
        'hashes/s',
      );
      ctx.record.figure(
        'pool16-loop-delay-p99',
        'Event-loop delay p99 with 16 busy pool threads',
        bigger.loopDelayP99Ms,
        'ms',
      );
      ctx.record.compare({
        id: 'bounded-fs-p99',
        title: '/fs p99 with the pool saturated: unbounded pbkdf2 vs bounded to 2 concurrent',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'unbounded', value: saturated.fs.p99 },
        candidate: { label: 'bounded (2)', value: limited.fs.p99 },
      });
      ctx.record.compare({
        id: 'pool16-fs-p99',
        title: '/fs p99 with 8 hashes in flight: UV_THREADPOOL_SIZE 4 vs 16',
        unit: 'ms',
        better: 'lower',
        baseline: { label: '4 threads', value: saturated.fs.p99 },
        candidate: { label: '16 threads', value: bigger.fs.p99 },
      });
      ctx.record.compare({
        id: 'pool16-hashes-per-sec',
        title: `Hashing throughput: UV_THREADPOOL_SIZE 4 vs 16 on ${cores} cores (more threads, no more cores)`,
        unit: 'hashes/s',
        better: 'higher',
        baseline: { label: '4 threads', value: round(saturated.hashesPerSec, 1) },
        candidate: { label: '16 threads', value: round(bigger.hashesPerSec, 1) },
      });
      ctx.record.compare({
        id: 'pool16-loop-delay-p99',
        title:
          'Event-loop delay p99 with 8 hashes in flight: UV_THREADPOOL_SIZE 4 vs 16 (threads compete with the loop for cores)',
        unit: 'ms',
        better: 'lower',
        baseline: { label: '4 threads', value: saturated.loopDelayP99Ms },
        candidate: { label: '16 threads', value: bigger.loopDelayP99Ms },
      });
      ctx.record.note(
        'In part 2 the event loop only runs tiny handlers: whatever delay its column shows comes from threads competing ' +
          'for the cores, not from the pool queue, which monitorEventLoopDelay cannot see. Time a trivial pool call ' +
          '(fs.stat) to watch that queue.',
      );
    } finally {
      await Promise.all(servers.map((s) => s.close()));
    }
  },
});
