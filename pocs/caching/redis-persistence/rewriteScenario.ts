import { Redis } from 'ioredis';
import type { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { type AofFiles, aofFiles, rewriteAofAndWait, waitUntilLoaded } from './serverState.ts';

export interface RewriteResult {
  keys: number;
  overwritesPerKey: number;
  before: AofFiles;
  after: AofFiles;
  /** Every key read back after a SIGKILL and restart from the rewritten files equals what was written. */
  dataEqualAfterRestart: boolean;
}

// #region rewrite-scenario
/**
 * INCRs each of `keys` counters `overwritesPerKey` times: the AOF logs every INCR, the dataset is just
 * the final counts. BGREWRITEAOF replaces the log with a new base file that writes each key once.
 */
export async function runRewriteScenario(
  server: EphemeralServer,
  options: { keyPrefix: string; keys: number; overwritesPerKey: number },
): Promise<RewriteResult> {
  const { keyPrefix, keys, overwritesPerKey } = options;
  const redis = new Redis(server.url);
  const allKeys = Array.from({ length: keys }, (_, i) => `${keyPrefix}counter:${i}`);
  try {
    for (let round = 0; round < overwritesPerKey; round++) {
      const pipeline = redis.pipeline();
      for (const key of allKeys) pipeline.incr(key);
      await pipeline.exec();
    }
    const before = aofFiles(server.dir);
    await rewriteAofAndWait(redis);
    const after = aofFiles(server.dir);

    redis.disconnect();
    await server.kill();
    await server.restart();
    await redis.connect();
    await waitUntilLoaded(redis);
    const values = await redis.mget(...allKeys);
    const dataEqualAfterRestart = values.every((v) => v === String(overwritesPerKey));
    return { keys, overwritesPerKey, before, after, dataEqualAfterRestart };
  } finally {
    redis.disconnect();
  }
}
// #endregion rewrite-scenario
