import type { TokenBucketLimiter } from './TokenBucketLimiter.ts';

export interface SlotRow {
  /** Start of the 100 ms slot, ms since the burst. */
  atMs: number;
  offered: number;
  allowed: number;
  /** How long the slot's requests took to be answered: tokens refill meanwhile. */
  tookMs: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A burst of `burst` concurrent requests at t0, then `perSlot` requests every 100 ms for `slots`
 * slots: a client that first floods, then keeps pushing harder than the refill rate.
 * A token bucket should admit `capacity` from the burst, then about `refill × 0.1` per slot.
 */
export async function burstThenSteady(
  limiter: TokenBucketLimiter,
  key: string,
  options: { burst: number; perSlot: number; slots: number; signal: AbortSignal },
): Promise<SlotRow[]> {
  const fire = async (atMs: number, offered: number): Promise<SlotRow> => {
    const t0 = performance.now();
    const decisions = await Promise.all(Array.from({ length: offered }, () => limiter.take(key)));
    const allowed = decisions.filter((d) => d.allowed).length;
    return { atMs, offered, allowed, tookMs: performance.now() - t0 };
  };
  const start = performance.now();
  const rows: SlotRow[] = [await fire(0, options.burst)];
  for (let slot = 1; slot <= options.slots; slot++) {
    options.signal.throwIfAborted();
    // Sleep to the slot's start on the local clock; the bucket itself only trusts Redis's clock.
    await sleep(slot * 100 - (performance.now() - start));
    rows.push(await fire(slot * 100, options.perSlot));
  }
  return rows;
}
