/** Worker-thread entry: a JobServer in its own heap, sampling heapUsed until told to stop. */
import { parentPort, workerData } from 'node:worker_threads';
import { type JobServerOptions, startJobServer } from './JobServer.ts';
import type { MemorySample } from './overload.ts';

const { options, sampleEveryMs } = workerData as { options: JobServerOptions; sampleEveryMs: number };
const server = await startJobServer(options);
const start = performance.now();
const samples: MemorySample[] = [];
const sample = () =>
  samples.push({
    tMs: Math.round(performance.now() - start),
    heapUsedMB: process.memoryUsage().heapUsed / 1024 / 1024,
    queued: server.stats().queued,
  });
sample();
const timer = setInterval(sample, sampleEveryMs);
parentPort?.postMessage({ type: 'listening', url: server.url });
parentPort?.once('message', async () => {
  clearInterval(timer);
  sample();
  const stats = server.stats();
  await server.close();
  parentPort?.postMessage({ type: 'result', samples, stats });
});
