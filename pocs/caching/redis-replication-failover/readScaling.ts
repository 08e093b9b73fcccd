import { Redis } from 'ioredis';
import { type LoadResult, runLoad } from '../../../src/lab/index.ts';

/**
 * Closed-loop GETs of `keys` spread round-robin over `urls` (one server = no spreading), with
 * `connectionsPerServer` connections to each and `concurrency` callers in total.
 */
export async function readThroughput(options: {
  urls: readonly string[];
  keys: readonly string[];
  concurrency: number;
  connectionsPerServer: number;
  durationMs: number;
  signal?: AbortSignal;
}): Promise<LoadResult> {
  const { urls, keys, concurrency, connectionsPerServer, durationMs, signal } = options;
  const clients = urls.flatMap((url) => Array.from({ length: connectionsPerServer }, () => new Redis(url)));
  try {
    return await runLoad((i) => clients[i % clients.length]!.get(keys[i % keys.length]!), {
      concurrency,
      durationMs,
      warmupOps: 200,
      signal,
    });
  } finally {
    for (const client of clients) client.disconnect();
  }
}
