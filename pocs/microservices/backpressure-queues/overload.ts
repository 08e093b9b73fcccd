import { once } from 'node:events';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { BoundedQueue } from './BoundedQueue.ts';

/** One unit of work, about 2 KB on the V8 heap (256 doubles). */
export interface Job {
  seq: number;
  payload: number[];
}
export const makeJob = (seq: number): Job => ({
  seq,
  payload: Array.from({ length: 256 }, (_, i) => seq + i / 2),
});

export interface OverloadOptions {
  durationMs: number;
  /** Jobs the producer offers per tick; the consumer finishes a tenth of that per tick. */
  producePerTick: number;
  tickMs: number;
  /** Capacity of the bounded variants. */
  capacity: number;
  sampleEveryMs: number;
}

export interface MemorySample {
  tMs: number;
  heapUsedMB: number;
  queued: number;
}

export interface OverloadResult {
  produced: number;
  delivered: number;
  /** Backlog still in memory when the run ended (the blocking variant drains it first). */
  queuedAtEnd: number;
  inOrder: boolean;
  maxQueued: number;
  baselineHeapMB: number;
  peakHeapMB: number;
  samples: MemorySample[];
}

export const OVERLOAD_VARIANTS = [
  'unbounded',
  'bounded-blocking',
  'stream-highwatermark',
  'stream-ignoring-write',
] as const;
export type OverloadVariant = (typeof OVERLOAD_VARIANTS)[number];

const heapMB = () => process.memoryUsage().heapUsed / 1024 / 1024;

/** Counts deliveries and checks they arrive in production order. */
class Sink {
  delivered = 0;
  inOrder = true;
  accept(job: Job): void {
    if (job.seq !== this.delivered) this.inOrder = false;
    this.delivered++;
  }
}

/** Samples heapUsed on a timer while a run lasts. */
function sampler(every: number, queued: () => number): { stop(): MemorySample[] } {
  const start = performance.now();
  const samples: MemorySample[] = [{ tMs: 0, heapUsedMB: heapMB(), queued: queued() }];
  const timer = setInterval(
    () =>
      samples.push({ tMs: Math.round(performance.now() - start), heapUsedMB: heapMB(), queued: queued() }),
    every,
  );
  return {
    stop: () => {
      clearInterval(timer);
      return samples;
    },
  };
}

/**
 * Runs a producer ten times faster than its consumer for `durationMs` with one of the queueing
 * disciplines, sampling the heap. Run it in a worker thread: the heap it measures is then its own.
 */
export async function runOverload(variant: OverloadVariant, o: OverloadOptions): Promise<OverloadResult> {
  globalThis.gc?.();
  const baselineHeapMB = heapMB();
  const consumePerTick = Math.max(1, Math.floor(o.producePerTick / 10));
  const sink = new Sink();
  let produced = 0;
  let queued = () => 0;
  let maxQueued = 0;
  const deadline = performance.now() + o.durationMs;
  const running = () => performance.now() < deadline;
  let samples: MemorySample[] = [];

  if (variant === 'unbounded') {
    // #region unbounded
    const queue: Job[] = [];
    let head = 0;
    queued = () => queue.length - head;
    const s = sampler(o.sampleEveryMs, queued);
    while (running()) {
      for (let i = 0; i < o.producePerTick; i++) queue.push(makeJob(produced++)); // never says no
      for (let i = 0; i < consumePerTick && head < queue.length; i++) sink.accept(queue[head++]!);
      maxQueued = Math.max(maxQueued, queued());
      await sleep(o.tickMs);
    }
    // #endregion unbounded
    samples = s.stop();
  } else if (variant === 'bounded-blocking') {
    // #region bounded-blocking
    const queue = new BoundedQueue<Job>(o.capacity);
    queued = () => queue.size;
    const s = sampler(o.sampleEveryMs, queued);
    const producer = (async () => {
      while (running()) {
        // Offers producePerTick per tick, but each put waits while the queue is full.
        for (let i = 0; i < o.producePerTick && running(); i++) await queue.put(makeJob(produced++));
        await sleep(o.tickMs);
      }
    })();
    while (running() || queue.size > 0) {
      for (let i = 0; i < consumePerTick; i++) {
        const job = queue.tryTake();
        if (job) sink.accept(job);
      }
      maxQueued = Math.max(maxQueued, queue.size);
      await sleep(o.tickMs);
    }
    await producer;
    // #endregion bounded-blocking
    samples = s.stop();
  } else {
    // #region stream
    const respectWrite = variant === 'stream-highwatermark';
    const pending: (() => void)[] = [];
    const writable = new Writable({
      objectMode: true,
      highWaterMark: o.capacity, // buffered jobs before write() returns false
      write(job: Job, _encoding, done) {
        sink.accept(job);
        pending.push(done); // the slow part: done() is called by the consumer's clock below
      },
    });
    queued = () => writable.writableLength;
    const s = sampler(o.sampleEveryMs, queued);
    const consumer = setInterval(() => {
      for (let i = 0; i < consumePerTick; i++) pending.shift()?.();
    }, o.tickMs);
    while (running()) {
      for (let i = 0; i < o.producePerTick; i++) {
        const ok = writable.write(makeJob(produced++));
        // The whole of stream backpressure: stop writing when write() says false, resume on 'drain'.
        if (!ok && respectWrite) await once(writable, 'drain');
      }
      maxQueued = Math.max(maxQueued, writable.writableLength);
      await sleep(o.tickMs);
    }
    // #endregion stream
    samples = s.stop();
    clearInterval(consumer);
    const backlog = produced - sink.delivered;
    queued = () => backlog;
    writable.destroy();
  }
  const queuedAtEnd = queued();
  const delivered = sink.delivered;
  return {
    produced,
    delivered,
    queuedAtEnd,
    inOrder: sink.inOrder,
    maxQueued,
    baselineHeapMB,
    peakHeapMB: Math.max(...samples.map((x) => x.heapUsedMB)),
    samples,
  };
}
