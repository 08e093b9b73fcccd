import { Redis } from 'ioredis';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { defineTransferCommands } from './commands.ts';
import { TRANSFERS, type TransferStrategy } from './transfers.ts';

export interface TransferRunOptions {
  url: string;
  keyPrefix: string;
  accounts: number;
  initialBalance: number;
  transfers: number;
  /** Connections the transfers are spread over; each runs one transfer at a time. */
  connections: number;
  /** Largest amount of one transfer (amounts are 1..maxAmount). */
  maxAmount: number;
  thinkMs?: number;
  /** Seed of the pseudo-random transfer list, so every strategy gets the same one. */
  seed?: number;
  signal?: AbortSignal;
}

export interface TransferRunResult {
  strategy: TransferStrategy;
  expectedTotal: number;
  finalTotal: number;
  /** finalTotal - expectedTotal: money created (> 0) or destroyed (< 0). */
  drift: number;
  negativeAccounts: number;
  lowestBalance: number;
  moved: number;
  refused: number;
  retries: number;
  transfersPerSecond: number;
}

// #region run-transfers
/** Runs `transfers` random transfers between `accounts` accounts concurrently, then audits the books. */
export async function runTransfers(
  strategy: TransferStrategy,
  options: TransferRunOptions,
): Promise<TransferRunResult> {
  const { transfer } = TRANSFERS[strategy];
  const random = seededRandom(options.seed ?? 42);
  const keys = Array.from({ length: options.accounts }, (_, i) => `${options.keyPrefix}acct:${i}`);
  const plan = Array.from({ length: options.transfers }, () => {
    const from = Math.floor(random() * keys.length);
    const to = (from + 1 + Math.floor(random() * (keys.length - 1))) % keys.length; // never the same account
    return { from: keys[from]!, to: keys[to]!, amount: 1 + Math.floor(random() * options.maxAmount) };
  });
  const clients = Array.from({ length: options.connections }, () =>
    defineTransferCommands(new Redis(options.url)),
  );
  try {
    await Promise.all(clients.map((c) => c.ping()));
    await clients[0]!.mset(...keys.flatMap((k) => [k, options.initialBalance]));
    let next = 0;
    let moved = 0;
    let retries = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (redis) => {
        while (next < plan.length) {
          options.signal?.throwIfAborted();
          const { from, to, amount } = plan[next++]!;
          const outcome = await transfer(redis, from, to, amount, { thinkMs: options.thinkMs });
          if (outcome.moved) moved++;
          retries += outcome.retries;
        }
      }),
    );
    const elapsedMs = performance.now() - started;
    const balances = (await clients[0]!.mget(...keys)).map(Number);
    await clients[0]!.del(...keys);
    const finalTotal = balances.reduce((sum, b) => sum + b, 0);
    const expectedTotal = options.accounts * options.initialBalance;
    return {
      strategy,
      expectedTotal,
      finalTotal,
      drift: finalTotal - expectedTotal,
      negativeAccounts: balances.filter((b) => b < 0).length,
      lowestBalance: Math.min(...balances),
      moved,
      refused: plan.length - moved,
      retries,
      transfersPerSecond: plan.length / (elapsedMs / 1000),
    };
  } finally {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
// #endregion run-transfers
