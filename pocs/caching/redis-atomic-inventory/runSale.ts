import { Redis } from 'ioredis';
import { defineInventoryCommands } from './commands.ts';
import { STRATEGIES, type StrategyName } from './strategies.ts';

export interface SaleOptions {
  url: string;
  key: string;
  /** Units in stock when the sale opens. */
  stock: number;
  /** Purchase attempts, one unit each. */
  buyers: number;
  /** Connections (think: app-server workers) the buyers are spread over; each serves one buyer at a time. */
  connections: number;
  thinkMs?: number;
  signal?: AbortSignal;
}

export interface SaleResult {
  strategy: StrategyName;
  sold: number;
  refused: number;
  /** Units sold beyond the stock. */
  oversold: number;
  finalStock: number;
  /** Lowest stock value any write produced: below 0 means a reader could have seen negative stock. */
  lowestStockSeen: number;
  retries: number;
  elapsedMs: number;
  purchasesPerSecond: number;
}

// #region run-sale
/**
 * Opens a sale of `stock` units to `buyers` concurrent buyers. Every connection takes the next
 * buyer as soon as it is free, so up to `connections` purchases are in flight at any moment.
 */
export async function runSale(strategy: StrategyName, options: SaleOptions): Promise<SaleResult> {
  const { buy } = STRATEGIES[strategy];
  const clients = Array.from({ length: options.connections }, () => {
    const redis = new Redis(options.url);
    defineInventoryCommands(redis);
    return redis;
  });
  try {
    await Promise.all(clients.map((c) => c.ping()));
    await clients[0]!.set(options.key, options.stock);
    let next = 0;
    let sold = 0;
    let retries = 0;
    let lowestStockSeen = options.stock;
    const started = performance.now();
    await Promise.all(
      clients.map(async (redis) => {
        while (next < options.buyers) {
          next++;
          options.signal?.throwIfAborted();
          const outcome = await buy(redis, options.key, { thinkMs: options.thinkMs });
          if (outcome.sold) sold++;
          retries += outcome.retries;
          if (outcome.stockAfterWrite !== undefined)
            lowestStockSeen = Math.min(lowestStockSeen, outcome.stockAfterWrite);
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const finalStock = Number(await clients[0]!.get(options.key));
    await clients[0]!.del(options.key);
    return {
      strategy,
      sold,
      refused: options.buyers - sold,
      oversold: Math.max(0, sold - options.stock),
      finalStock,
      lowestStockSeen,
      retries,
      elapsedMs,
      purchasesPerSecond: options.buyers / (elapsedMs / 1000),
    };
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
// #endregion run-sale
