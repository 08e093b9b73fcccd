import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `condition` until it holds. The deadline is generous on purpose: it only turns a hang into a
 * clear error, it never decides an outcome (a loaded machine just polls a little longer).
 */
export async function waitUntil(
  condition: () => Promise<boolean>,
  options: { what: string; timeoutMs?: number; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const { what, timeoutMs = 30_000, intervalMs = 20, signal } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      if (await condition()) return;
    } catch (error) {
      lastError = error; // a server that is still starting or electing: try again
    }
    if (Date.now() > deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs, undefined, { signal });
  }
}
