/**
 * A FIFO with a hard capacity. `put` waits while the queue is full (the producer is paused, that is
 * the backpressure); `tryPut` refuses instead (the caller sheds the item). `take` waits for an item.
 */
export class BoundedQueue<T> {
  readonly capacity: number;
  private readonly items: T[] = [];
  private head = 0;
  private readonly putters: { item: T; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private readonly takers: { resolve: (item: T) => void; reject: (e: unknown) => void }[] = [];

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  // #region put
  /** Adds `item`, waiting for room while the queue is full. Abort `signal` to give up waiting. */
  put(item: T, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const taker = this.takers.shift();
    if (taker) {
      taker.resolve(item); // a consumer is already waiting: hand over directly
      return Promise.resolve();
    }
    if (this.size < this.capacity) {
      this.items.push(item);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = { item, resolve, reject };
      this.putters.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.putters.indexOf(waiter);
          if (i >= 0) this.putters.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }
  // #endregion put

  /** Adds `item` if there is room; returns false (and keeps nothing) when full. */
  tryPut(item: T): boolean {
    const taker = this.takers.shift();
    if (taker) {
      taker.resolve(item);
      return true;
    }
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** Removes the oldest item, waiting while the queue is empty. */
  take(signal?: AbortSignal): Promise<T> {
    signal?.throwIfAborted();
    if (this.size > 0) return Promise.resolve(this.shift());
    return new Promise<T>((resolve, reject) => {
      const waiter = { resolve, reject };
      this.takers.push(waiter);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.takers.indexOf(waiter);
          if (i >= 0) this.takers.splice(i, 1);
          reject(signal.reason);
        },
        { once: true },
      );
    });
  }

  /** Removes the oldest item if there is one. */
  tryTake(): T | undefined {
    return this.size > 0 ? this.shift() : undefined;
  }

  private shift(): T {
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined as T; // drop the reference so the item can be collected
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    // Room was made: the longest-waiting producer goes in now, in arrival order.
    const putter = this.putters.shift();
    if (putter) {
      this.items.push(putter.item);
      putter.resolve();
    }
    return item;
  }
}
