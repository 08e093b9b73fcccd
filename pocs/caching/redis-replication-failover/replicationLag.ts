import type { Redis } from 'ioredis';

// #region lag-probe
/**
 * How long a write takes to become readable on a replica: SET a fresh value on the primary, then
 * read the replica back to back until it shows it. Each poll is one round trip, so the figure is
 * the lag rounded up to a round trip.
 */
export async function visibilityLagMs(
  primary: Redis,
  replica: Redis,
  key: string,
  options: { giveUpMs?: number; signal?: AbortSignal } = {},
): Promise<number> {
  const { giveUpMs = 30_000, signal } = options;
  const value = `${process.hrtime.bigint()}`;
  const start = performance.now();
  await primary.set(key, value);
  for (;;) {
    signal?.throwIfAborted();
    if ((await replica.get(key)) === value) return performance.now() - start;
    if (performance.now() - start > giveUpMs)
      throw new Error(`the replica did not show ${key} within ${giveUpMs} ms: is its link up?`);
  }
}
// #endregion lag-probe
