import { Worker } from 'node:worker_threads';
import type { OverloadOptions, OverloadResult, OverloadVariant } from './overload.ts';

/**
 * Runs a variant in a worker thread: its `heapUsed` is the worker's own isolate, so one variant's
 * garbage never shows up in another's chart, and a runaway heap is capped and ended with the worker.
 */
export async function runOverloadInWorker(
  variant: OverloadVariant,
  options: OverloadOptions,
  limits: { maxOldGenerationSizeMb?: number; timeoutMs?: number } = {},
): Promise<OverloadResult> {
  const worker = new Worker(new URL('./overloadWorker.ts', import.meta.url), {
    workerData: { variant, options },
    resourceLimits: { maxOldGenerationSizeMb: limits.maxOldGenerationSizeMb ?? 512 },
    execArgv: [],
  });
  const timeoutMs = limits.timeoutMs ?? options.durationMs + 15_000;
  try {
    return await new Promise<OverloadResult>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${variant} did not finish within ${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.once('message', (r: OverloadResult) => {
        clearTimeout(timer);
        resolve(r);
      });
      worker.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${variant} worker exited with code ${code} before reporting`));
      });
    });
  } finally {
    await worker.terminate();
  }
}
