import { defineDemo, round } from '../../../src/lab/index.ts';
import { type BatchMode, type InterleavingResult, runInterleaving } from './interleaving.ts';
import { traceMultiVsPipeline } from './wireTrace.ts';

const MODES: Record<BatchMode, string> = {
  separate: 'one command per round trip',
  pipeline: 'pipeline() (no MULTI)',
  multi: 'multi() (MULTI … EXEC)',
};

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const key = `${ctx.namespace}:log`;

    // ── 1. What reaches Redis ────────────────────────────────────────────────────────────────
    ctx.progress('wire trace');
    const trace = await traceMultiVsPipeline(url, `${ctx.namespace}:trace`);
    ctx.log('What Redis received (MONITOR) for two INCRs:');
    ctx.log(`  multi():    ${trace.multi.join(' ')}`);
    ctx.log(`  pipeline(): ${trace.pipeline.join(' ')}`);
    ctx.record.table({
      id: 'wire',
      title: 'Commands Redis received for the same two INCRs (seen with MONITOR)',
      columns: [
        { key: 'api', label: 'ioredis call' },
        { key: 'commands', label: 'Commands received' },
        { key: 'count', label: 'Count' },
      ],
      rows: [
        {
          api: 'redis.multi().incr(k).incr(k).exec()',
          commands: trace.multi.join(' '),
          count: trace.multi.length,
        },
        {
          api: 'redis.pipeline().incr(k).incr(k).exec()',
          commands: trace.pipeline.join(' '),
          count: trace.pipeline.length,
        },
      ],
      chart: { type: 'bar', x: 'api', y: ['count'], title: 'Commands sent' },
    });

    // ── 2. Does another client's write land inside our batch? ────────────────────────────────
    ctx.log('');
    ctx.log('Client A appends a batch to a list while client B keeps appending single entries:');
    const batches = ctx.quick ? [10, 1_000] : [10, 100, 1_000, 10_000];
    const results: InterleavingResult[] = [];
    for (const batch of batches) {
      for (const mode of ['separate', 'pipeline', 'multi'] as const) {
        ctx.signal.throwIfAborted();
        ctx.progress(`interleaving: ${mode} × ${batch}`);
        const r = await runInterleaving({ url, key, mode, batch, signal: ctx.signal });
        results.push(r);
        ctx.log(
          `  batch ${String(batch).padStart(6)}  ${MODES[mode].padEnd(28)} B's writes inside A's block: ` +
            `${String(r.intrusions).padStart(5)}  (A took ${round(r.elapsedMs)} ms)`,
        );
      }
    }
    const at = (mode: BatchMode, batch: number) => results.find((r) => r.mode === mode && r.batch === batch)!;
    const largest = batches.at(-1)!;
    ctx.record.figure(
      'separate-intrusions',
      `B's writes inside A's ${largest}-command batch, one command per round trip`,
      at('separate', largest).intrusions,
    );
    ctx.record.figure(
      'pipeline-intrusions',
      `B's writes inside A's ${largest}-command pipeline`,
      at('pipeline', largest).intrusions,
    );
    ctx.record.figure(
      'multi-intrusions',
      `B's writes inside A's ${largest}-command MULTI/EXEC`,
      at('multi', largest).intrusions,
    );
    ctx.record.figure(
      'multi-intrusions-total',
      'B’s writes inside any MULTI/EXEC block, all batch sizes',
      results.filter((r) => r.mode === 'multi').reduce((sum, r) => sum + r.intrusions, 0),
    );
    ctx.record.table({
      id: 'interleaving',
      title: "Another client's writes landing inside A's batch",
      columns: [
        { key: 'batch', label: 'Commands in A’s batch' },
        { key: 'separate', label: 'One per round trip' },
        { key: 'pipeline', label: 'pipeline()' },
        { key: 'multi', label: 'multi()' },
      ],
      rows: batches.map((batch) => ({
        batch,
        separate: at('separate', batch).intrusions,
        pipeline: at('pipeline', batch).intrusions,
        multi: at('multi', batch).intrusions,
      })),
      chart: {
        type: 'bar',
        x: 'batch',
        y: ['separate', 'pipeline', 'multi'],
        title: "B's writes inside A's block",
      },
    });
    ctx.record.table({
      id: 'batch-time',
      title: "Time for A's batch (ms), while B writes alongside",
      columns: [
        { key: 'batch', label: 'Commands in A’s batch' },
        { key: 'separate', label: 'One per round trip', unit: 'ms' },
        { key: 'pipeline', label: 'pipeline()', unit: 'ms' },
        { key: 'multi', label: 'multi()', unit: 'ms' },
      ],
      rows: batches.map((batch) => ({
        batch,
        separate: round(at('separate', batch).elapsedMs),
        pipeline: round(at('pipeline', batch).elapsedMs),
        multi: round(at('multi', batch).elapsedMs),
      })),
      chart: {
        type: 'line',
        x: 'batch',
        y: ['separate', 'pipeline', 'multi'],
        title: 'Batch time (lower is better)',
      },
    });
    ctx.record.compare({
      id: 'multi-vs-separate-time',
      title: `Time for a ${largest}-command batch: multi() vs one command per round trip`,
      unit: 'ms',
      better: 'lower',
      baseline: { label: 'one command per round trip', value: round(at('separate', largest).elapsedMs) },
      candidate: { label: 'multi() (MULTI … EXEC)', value: round(at('multi', largest).elapsedMs) },
    });
    ctx.record.note(
      'A pipeline is only a way of sending: Redis reads a client’s input in chunks and serves other clients between ' +
        'chunks, so a large pipeline can be interleaved. Whether it was in this run depends on timing; a MULTI/EXEC block never is.',
    );
  },
});
