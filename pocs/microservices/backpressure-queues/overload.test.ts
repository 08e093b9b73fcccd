import { describe, expect, it } from 'vitest';
import type { OverloadOptions } from './overload.ts';
import { runOverloadInWorker } from './runInWorker.ts';

/** The bound the bounded variants must stay under: heap growth over the run's own baseline. */
const BOUND_MB = 8;
const options: OverloadOptions = {
  durationMs: 2_000,
  producePerTick: 100,
  tickMs: 10,
  capacity: 100,
  sampleEveryMs: 50,
};
const growth = (r: { peakHeapMB: number; baselineHeapMB: number }) => r.peakHeapMB - r.baselineHeapMB;

describe.concurrent('a producer 10x faster than its consumer (each variant in its own worker heap)', () => {
  it('unbounded in-memory queue: backlog and heap grow for as long as the overload lasts', async () => {
    const r = await runOverloadInWorker('unbounded', options);
    expect(r.maxQueued).toBeGreaterThan(10 * options.capacity);
    // The heap holds the backlog: at least 1 KB per queued job (each is ~2 KB). How big the backlog gets
    // in 2 s depends on how busy the machine is, so the claim is proportional, not a fixed number of MB.
    expect(growth(r)).toBeGreaterThan(r.queuedAtEnd / 1024);
  });

  // #region blocking-test
  it(`bounded blocking queue: heap growth under ${BOUND_MB} MB, every job delivered, in order`, async () => {
    const r = await runOverloadInWorker('bounded-blocking', options);
    expect(r.maxQueued).toBeLessThanOrEqual(options.capacity);
    expect(growth(r)).toBeLessThan(BOUND_MB);
    expect(r.delivered).toBe(r.produced);
    expect(r.queuedAtEnd).toBe(0);
    expect(r.inOrder).toBe(true);
  });
  // #endregion blocking-test

  it(`stream honouring write() === false and 'drain': heap growth under ${BOUND_MB} MB, no backlog`, async () => {
    const r = await runOverloadInWorker('stream-highwatermark', options);
    expect(r.maxQueued).toBeLessThanOrEqual(options.capacity);
    expect(growth(r)).toBeLessThan(BOUND_MB);
    expect(r.inOrder).toBe(true);
  });

  it('stream whose producer ignores write() === false: the highWaterMark is only advice, the buffer grows', async () => {
    const r = await runOverloadInWorker('stream-ignoring-write', options);
    expect(r.maxQueued).toBeGreaterThan(10 * options.capacity);
  });
});
