import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

// #region fallback
/**
 * A script called by its SHA1 digest, with the NOSCRIPT fallback written out by hand: what ioredis's
 * `defineCommand` does for you. The script cache is not durable: a restart, a failover to a replica
 * that never saw SCRIPT LOAD, or SCRIPT FLUSH empties it, and then EVALSHA answers NOSCRIPT.
 */
export class CachedScript {
  readonly sha: string;
  readonly lua: string;
  readonly numberOfKeys: number;
  /** How many times a NOSCRIPT reply made this script reload itself (for tests and metrics). */
  reloads = 0;

  constructor(lua: string, numberOfKeys: number) {
    this.lua = lua;
    this.numberOfKeys = numberOfKeys;
    // Redis names a script by the SHA1 of its exact text, so the digest can be computed locally.
    this.sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (keys.length !== this.numberOfKeys) {
      throw new RangeError(`script takes ${this.numberOfKeys} key(s), got ${keys.length}`);
    }
    try {
      return await redis.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      // Not cached (any more): load it and retry once. Running a script twice is only safe
      // because the first attempt never ran: NOSCRIPT is returned before any execution.
      this.reloads++;
      await redis.script('LOAD', this.lua);
      return redis.evalsha(this.sha, this.numberOfKeys, ...keys, ...args);
    }
  }
}
// #endregion fallback
