import { Worker } from 'node:worker_threads';

export interface CpuWorkerPoolOptions {
  /** Worker threads. Leave a core for the event loop: `os.availableParallelism() - 1` is a good start. */
  size: number;
  /** Tasks allowed to wait for a worker; beyond this `run` rejects instead of queueing without bound. */
  maxQueue?: number;
}

interface Task {
  id: number;
  ms: number;
  resolve: (chunks: number) => void;
  reject: (error: Error) => void;
}

/**
 * The fix for a blocked event loop: CPU-bound work runs on `worker_threads`, so the loop only posts a
 * message and gets one back. A fixed set of workers (starting one costs milliseconds and megabytes)
 * with a bounded queue, so a burst of CPU work queues here rather than on every other request.
 */
export class CpuWorkerPool {
  private readonly idle: Worker[] = [];
  private readonly all: Worker[] = [];
  private readonly queue: Task[] = [];
  private readonly running = new Map<Worker, Task>();
  private readonly maxQueue: number;
  private nextId = 0;
  private closed = false;

  constructor(options: CpuWorkerPoolOptions) {
    if (!Number.isInteger(options.size) || options.size < 1)
      throw new Error(`CpuWorkerPool size must be a positive integer, got ${options.size}`);
    this.maxQueue = options.maxQueue ?? 1_000;
    for (let i = 0; i < options.size; i++) {
      const worker = new Worker(new URL('./cpuWorker.ts', import.meta.url));
      worker.on('message', (msg: { id: number; chunks: number }) => this.finished(worker, msg.chunks));
      worker.on('error', (error) => this.failed(worker, error));
      worker.unref();
      this.all.push(worker);
      this.idle.push(worker);
    }
  }

  /** Burns `ms` of CPU on a worker thread; resolves when done. */
  run(ms: number): Promise<number> {
    if (this.closed) return Promise.reject(new Error('CpuWorkerPool is closed'));
    if (this.queue.length >= this.maxQueue)
      return Promise.reject(
        new Error(`CpuWorkerPool queue full (${this.maxQueue}): shed load or add workers`),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, ms, resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('CpuWorkerPool closed'));
    await Promise.all(this.all.map((w) => w.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop() as Worker;
      const task = this.queue.shift() as Task;
      this.running.set(worker, task);
      worker.postMessage({ id: task.id, ms: task.ms });
    }
  }

  private finished(worker: Worker, chunks: number): void {
    this.running.get(worker)?.resolve(chunks);
    this.running.delete(worker);
    this.idle.push(worker);
    this.dispatch();
  }

  private failed(worker: Worker, error: Error): void {
    this.running.get(worker)?.reject(error);
    this.running.delete(worker);
  }
}
