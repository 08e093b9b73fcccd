import { LatencyRecorder } from '../../../src/lab/index.ts';
import {
  detectStarvation,
  type PoolSample,
  type StarvationDiagnosis,
  type StarvationThresholds,
} from './detectStarvation.ts';
import type { MonitoredPool } from './MonitoredPool.ts';

export interface PoolSamplerOptions {
  /** Time between samples. Default 100 ms; in production, 1-10 s fits a metrics scrape. */
  intervalMs?: number;
  /** Samples kept (a sliding window). Default 50. */
  windowSize?: number;
}

/**
 * Samples a MonitoredPool on a timer and keeps a sliding window, so starvation is judged on a
 * sustained pattern rather than one unlucky instant. Percentiles are per interval: a cumulative
 * p99 would keep the bad minutes of an hour ago and hide the bad seconds of right now.
 */
export class PoolSampler {
  private readonly pool: MonitoredPool;
  private readonly intervalMs: number;
  private readonly windowSize: number;
  private readonly window: PoolSample[] = [];
  private readonly acquireWait = new LatencyRecorder();
  private readonly hold = new LatencyRecorder();
  private checkouts = 0;
  private checkoutTimeouts = 0;
  private unsubscribe: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(pool: MonitoredPool, options: PoolSamplerOptions = {}) {
    this.pool = pool;
    this.intervalMs = options.intervalMs ?? 100;
    this.windowSize = options.windowSize ?? 50;
  }

  start(): this {
    if (this.timer) return this;
    this.unsubscribe = this.pool.subscribe((event) => {
      if (event.type === 'checkout') {
        this.checkouts++;
        this.acquireWait.recordMs(event.waitMs);
      } else if (event.type === 'checkout-timeout') {
        this.checkoutTimeouts++;
        this.acquireWait.recordMs(event.waitMs);
      } else if (event.type === 'release') {
        this.hold.recordMs(event.holdMs);
      }
    });
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    // A sampler must never keep a process alive on its own.
    this.timer.unref();
    return this;
  }

  /** Stops the timer and takes a last sample so the tail of the run is not lost. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sample();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Take one sample now (the timer calls this too). */
  sample(): PoolSample {
    const snap = this.pool.snapshot();
    const sample: PoolSample = {
      atMs: performance.now(),
      max: snap.max,
      inUse: snap.inUse,
      waiting: snap.waiting,
      oldestWaitMs: snap.oldestWaitMs,
      checkouts: this.checkouts,
      checkoutTimeouts: this.checkoutTimeouts,
      acquireWaitP99Ms: this.acquireWait.count === 0 ? 0 : this.acquireWait.summary().p99,
      holdP99Ms: this.hold.count === 0 ? 0 : this.hold.summary().p99,
    };
    this.checkouts = 0;
    this.checkoutTimeouts = 0;
    this.acquireWait.reset();
    this.hold.reset();
    this.window.push(sample);
    if (this.window.length > this.windowSize) this.window.shift();
    return sample;
  }

  samples(): PoolSample[] {
    return [...this.window];
  }

  diagnose(thresholds?: StarvationThresholds): StarvationDiagnosis {
    return detectStarvation(this.samples(), thresholds);
  }
}
