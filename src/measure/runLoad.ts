import { LatencyRecorder, type LatencySummary } from './LatencyRecorder.ts';

export interface LoadOptions {
  /** Concurrent callers, each running `operation` in a loop. */
  concurrency: number;
  /** Stop after this many operations in total ... */
  totalOps?: number;
  /** ... or after this many milliseconds, whichever comes first. At least one of the two is required. */
  durationMs?: number;
  /** Operations before measuring starts (JIT, connection set-up). Not counted. */
  warmupOps?: number;
  signal?: AbortSignal;
}

export interface LoadResult {
  ops: number;
  errors: number;
  elapsedMs: number;
  opsPerSec: number;
  latency: LatencySummary;
  /** First few distinct error messages, for the report. */
  errorSamples: string[];
}

/**
 * Closed-loop load: `concurrency` callers each await `operation(i)` back to back.
 * Errors are counted, not thrown, so a failure POC can measure how many calls failed.
 */
export async function runLoad(
  operation: (i: number) => Promise<unknown>,
  options: LoadOptions,
): Promise<LoadResult> {
  const { concurrency, totalOps, durationMs, warmupOps = 0, signal } = options;
  if (totalOps === undefined && durationMs === undefined) {
    throw new Error('runLoad needs totalOps or durationMs: pass one of them to bound the run');
  }
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(`runLoad concurrency must be a positive integer, got ${concurrency}`);
  }

  for (let i = 0; i < warmupOps; i++) {
    signal?.throwIfAborted();
    await operation(i).catch(() => {});
  }

  const recorder = new LatencyRecorder();
  const errorSamples = new Set<string>();
  let started = 0;
  let errors = 0;
  const start = performance.now();
  const deadline = durationMs === undefined ? Number.POSITIVE_INFINITY : start + durationMs;
  const limit = totalOps ?? Number.POSITIVE_INFINITY;

  const worker = async () => {
    while (started < limit && performance.now() < deadline) {
      signal?.throwIfAborted();
      const i = started++;
      const t0 = performance.now();
      try {
        await operation(i);
      } catch (error) {
        errors++;
        if (errorSamples.size < 5) errorSamples.add(error instanceof Error ? error.message : String(error));
      }
      recorder.recordMs(performance.now() - t0);
    }
  };

  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - start;
  return {
    ops: recorder.count,
    errors,
    elapsedMs,
    opsPerSec: recorder.count / (elapsedMs / 1000),
    latency: recorder.summary(),
    errorSamples: [...errorSamples],
  };
}
