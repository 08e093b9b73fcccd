import { Redis } from 'ioredis';

/**
 * How client A sends its batch of writes:
 * - `separate`: one command per round trip (await each);
 * - `pipeline`: ioredis `pipeline()`, all commands written at once, no MULTI/EXEC;
 * - `multi`: ioredis `multi()`, the same commands wrapped in MULTI … EXEC.
 */
export type BatchMode = 'separate' | 'pipeline' | 'multi';

export interface InterleavingOptions {
  url: string;
  /** The shared list both clients append to. */
  key: string;
  mode: BatchMode;
  /** Commands in A's batch. */
  batch: number;
  signal?: AbortSignal;
}

export interface InterleavingResult {
  mode: BatchMode;
  batch: number;
  /** B's entries that landed between A's first and last entry: 0 means A's block stayed whole. */
  intrusions: number;
  /** B's writes in total while A's batch was in flight. */
  bWrites: number;
  /** How long A's batch took, from first send to last reply. */
  elapsedMs: number;
}

// #region interleaving
/**
 * Client A appends `batch` entries to a list while client B keeps appending its own, one at a
 * time, until A is done. Afterwards the list shows whether any of B's writes landed inside A's block.
 */
export async function runInterleaving(options: InterleavingOptions): Promise<InterleavingResult> {
  const a = new Redis(options.url);
  const b = new Redis(options.url);
  try {
    await Promise.all([a.ping(), b.ping(), a.del(options.key)]);
    let aDone = false;
    let bWrites = 0;
    const writerB = (async () => {
      while (!aDone) {
        options.signal?.throwIfAborted();
        await b.rpush(options.key, `B:${bWrites++}`);
      }
    })();
    await b.rpush(options.key, 'B:start'); // B is already writing when A starts
    const entries = Array.from({ length: options.batch }, (_, i) => `A:${i}`);
    const started = performance.now();
    if (options.mode === 'separate') {
      for (const entry of entries) await a.rpush(options.key, entry);
    } else {
      const batch = options.mode === 'multi' ? a.multi() : a.pipeline();
      for (const entry of entries) batch.rpush(options.key, entry);
      await batch.exec();
    }
    const elapsedMs = performance.now() - started;
    aDone = true;
    await writerB;
    const list = await a.lrange(options.key, 0, -1);
    const first = list.indexOf('A:0');
    const last = list.indexOf(`A:${options.batch - 1}`);
    const intrusions = list.slice(first, last + 1).filter((e) => e.startsWith('B:')).length;
    return { mode: options.mode, batch: options.batch, intrusions, bWrites, elapsedMs };
  } finally {
    await a.del(options.key).catch(() => {});
    await Promise.all([a, b].map((c) => c.quit().catch(() => c.disconnect())));
  }
}
// #endregion interleaving
