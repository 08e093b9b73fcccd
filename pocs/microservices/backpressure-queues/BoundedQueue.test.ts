import { describe, expect, it } from 'vitest';
import { BoundedQueue } from './BoundedQueue.ts';

describe('BoundedQueue', () => {
  it('never holds more than its capacity; a producer 10x faster waits instead of growing the queue', async () => {
    const q = new BoundedQueue<number>(5);
    let maxSize = 0;
    const producer = (async () => {
      for (let i = 0; i < 100; i++) {
        await q.put(i);
        maxSize = Math.max(maxSize, q.size);
      }
    })();
    const received: number[] = [];
    while (received.length < 100) {
      received.push(await q.take());
      if (received.length % 10 === 0) await new Promise((r) => setImmediate(r)); // the slow consumer
    }
    await producer;
    expect(maxSize).toBeLessThanOrEqual(5);
    expect(received).toEqual(Array.from({ length: 100 }, (_, i) => i)); // all of them, in order
  });

  it('tryPut refuses when full, and put can be abandoned with a signal', async () => {
    const q = new BoundedQueue<string>(1);
    expect(q.tryPut('a')).toBe(true);
    expect(q.tryPut('b')).toBe(false);
    const controller = new AbortController();
    const waiting = q.put('c', controller.signal);
    controller.abort(new Error('gave up'));
    await expect(waiting).rejects.toThrow('gave up');
    expect(q.tryTake()).toBe('a');
    expect(q.tryTake()).toBeUndefined(); // the abandoned 'c' never got in
  });
});
