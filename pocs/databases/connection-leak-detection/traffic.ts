import { PoolExhaustedError } from './LeakDetectingPool.ts';
import { type OrderRequest, type OrdersPool, OutOfStockError } from './orders.ts';

export type OrderHandler = (pool: OrdersPool, order: OrderRequest) => Promise<number>;

export interface TrafficOptions {
  requests: number;
  /** Every n-th request asks for the sold-out product, so it takes the handler's error path. */
  errorEvery: number;
  /** Requests in flight at once. Default 1: one after another, so "request number" means something. */
  concurrency?: number;
  signal?: AbortSignal;
}

export interface TrafficResult {
  requests: number;
  ordersPlaced: number;
  /** Requests that took the error path (sold out) and were answered with it: the expected failures. */
  outOfStock: number;
  /** Requests that could not get a connection: the failures the leak causes. */
  checkoutTimeouts: number;
  /** 1-based number of the first request that got no connection; null if none did. */
  firstTimeoutAt: number | null;
  otherErrors: number;
}

// #region traffic
/** Sends `requests` orders through `handler`; every `errorEvery`-th one is for a sold-out product. */
export async function sendOrders(
  pool: OrdersPool,
  handler: OrderHandler,
  options: TrafficOptions,
): Promise<TrafficResult> {
  const result: TrafficResult = {
    requests: 0,
    ordersPlaced: 0,
    outOfStock: 0,
    checkoutTimeouts: 0,
    firstTimeoutAt: null,
    otherErrors: 0,
  };
  let next = 0;
  const worker = async () => {
    while (next < options.requests) {
      options.signal?.throwIfAborted();
      const n = ++next;
      const sku = n % options.errorEvery === 0 ? 'gadget' : 'widget';
      result.requests++;
      try {
        await handler(pool, { customer: `c${n}`, sku, quantity: 1 });
        result.ordersPlaced++;
      } catch (error) {
        if (error instanceof OutOfStockError) result.outOfStock++;
        else if (error instanceof PoolExhaustedError) {
          result.checkoutTimeouts++;
          result.firstTimeoutAt = Math.min(result.firstTimeoutAt ?? n, n);
        } else result.otherErrors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
  return result;
}
// #endregion traffic
