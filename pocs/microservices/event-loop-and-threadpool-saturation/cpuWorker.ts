import { parentPort } from 'node:worker_threads';
import { burnCpu } from './cpuWork.ts';

// One worker thread of CpuWorkerPool: it runs the CPU work the event loop must not run.
parentPort?.on('message', (task: { id: number; ms: number }) => {
  const chunks = burnCpu(task.ms);
  parentPort?.postMessage({ id: task.id, chunks });
});
