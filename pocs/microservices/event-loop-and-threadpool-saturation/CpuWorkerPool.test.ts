import { describe, expect, it } from 'vitest';
import { CpuWorkerPool } from './CpuWorkerPool.ts';

describe('CpuWorkerPool', () => {
  it('runs CPU work off the calling thread: this thread keeps firing timers meanwhile', async () => {
    const pool = new CpuWorkerPool({ size: 1 });
    try {
      await pool.run(1); // worker start-up
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const chunks = await pool.run(200);
      clearInterval(timer);
      expect(chunks).toBeGreaterThan(0);
      // Had the 200 ms ran here, no interval could fire until it ended.
      expect(ticks).toBeGreaterThanOrEqual(5);
    } finally {
      await pool.close();
    }
  });

  it('rejects work beyond its queue bound instead of queueing without limit', async () => {
    const pool = new CpuWorkerPool({ size: 1, maxQueue: 1 });
    try {
      const first = pool.run(50); // taken by the worker
      const second = pool.run(1); // waits in the queue
      await expect(pool.run(1)).rejects.toThrow(/queue full/);
      await Promise.all([first, second]);
    } finally {
      await pool.close();
    }
  });
});
