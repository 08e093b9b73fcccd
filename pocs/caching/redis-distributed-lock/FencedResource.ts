import type { Redis } from 'ioredis';
import { defineLockCommands, type LockRedis } from './commands.ts';

/** What a resource write reports. */
export interface WriteOutcome {
  accepted: boolean;
  /** For a refused fenced write: the higher token the resource had already seen. */
  highestSeen?: number;
}

/**
 * A stand-in for the storage a lock protects (a file, a row, an object in a bucket): one Redis hash
 * with the current value, who wrote it and, for fenced writes, the highest fencing token seen.
 */
export class FencedResource {
  private readonly redis: LockRedis;
  readonly key: string;

  // No constructor parameter properties: the paused holder runs this file under Node's type stripping.
  constructor(redis: Redis, key: string) {
    this.redis = defineLockCommands(redis);
    this.key = key;
  }

  // #region unfenced-write
  /** What most code does: trust that holding the lock is enough, and just write. */
  async writeUnfenced(value: string, writer: string): Promise<WriteOutcome> {
    await this.redis.hset(this.key, 'value', value, 'writer', writer);
    return { accepted: true };
  }
  // #endregion unfenced-write

  /** The storage checks the token itself, atomically with the write (commands/fencedWrite-1.lua). */
  async writeFenced(value: string, writer: string, fencingToken: number): Promise<WriteOutcome> {
    const [accepted, highest] = await this.redis.fencedWrite(this.key, fencingToken, value, writer);
    return accepted === 1 ? { accepted: true } : { accepted: false, highestSeen: highest };
  }

  async read(): Promise<{ value: string | null; writer: string | null; fence: number }> {
    const [value, writer, fence] = await this.redis.hmget(this.key, 'value', 'writer', 'fence');
    return { value: value ?? null, writer: writer ?? null, fence: Number(fence ?? 0) };
  }
}
