import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';
import { type BloomSize, sizeFor } from './bloomMath.ts';
import { bloomPositions } from './bloomPositions.ts';

const COMMANDS = readCommands(path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands'));

interface BloomCommands {
  bloomAdd(key: string, k: number, ...offsets: number[]): Promise<number[]>;
  bloomCheck(key: string, k: number, ...offsets: number[]): Promise<number[]>;
}

export interface BloomFilterOptions {
  redis: Redis;
  key: string;
  /** n: how many members the filter is sized for. Adding more raises the false-positive rate. */
  expectedMembers: number;
  /** p: the false-positive rate wanted at n members, e.g. 0.01. */
  falsePositiveRate: number;
  /** Members per script call: bounds how long one script blocks Redis (a script runs alone). */
  batchSize?: number;
}

/**
 * A Bloom filter kept in a plain Redis bitmap (this Redis has no RedisBloom module). Hashing happens
 * in the app (one MD5 per member, double hashing for the k positions); Redis runs one small Lua
 * script per batch that sets or tests the k bits of each member.
 */
export class BloomFilter {
  readonly key: string;
  readonly size: BloomSize;
  private readonly redis: Redis & BloomCommands;
  private readonly batchSize: number;

  constructor(options: BloomFilterOptions) {
    this.key = options.key;
    this.size = sizeFor(options.expectedMembers, options.falsePositiveRate);
    if (this.size.m > 2 ** 32) {
      throw new RangeError(
        `a Redis bitmap holds at most 2^32 bits; n=${options.expectedMembers}, p=${options.falsePositiveRate} needs ${this.size.m}: shard the filter over several keys`,
      );
    }
    this.batchSize = options.batchSize ?? 500;
    defineCommands(options.redis, COMMANDS);
    this.redis = options.redis as Redis & BloomCommands;
  }

  /**
   * Allocates all m bits up front (SETBIT m-1 0), so memory is known from the start and the first
   * adds do not grow the string step by step.
   */
  async reserve(): Promise<void> {
    await this.redis.setbit(this.key, this.size.m - 1, 0);
  }

  // #region api
  /** Adds members; per member, true if it was certainly new (at least one of its bits was 0). */
  async add(members: readonly string[]): Promise<boolean[]> {
    return this.runBatches(members, (offsets, pipeline) =>
      pipeline.bloomAdd(this.key, this.size.k, ...offsets),
    );
  }

  /** Per member: false = certainly never added; true = probably added (or a false positive). */
  async mightContain(members: readonly string[]): Promise<boolean[]> {
    return this.runBatches(members, (offsets, pipeline) =>
      pipeline.bloomCheck(this.key, this.size.k, ...offsets),
    );
  }
  // #endregion api

  /** The alternative to the script: k pipelined GETBITs per member, reduced in the app. */
  async mightContainPipelined(members: readonly string[]): Promise<boolean[]> {
    const { m, k } = this.size;
    const pipeline = this.redis.pipeline();
    for (const member of members)
      for (const offset of bloomPositions(member, m, k)) pipeline.getbit(this.key, offset);
    const replies = (await pipeline.exec()) ?? [];
    const result: boolean[] = [];
    for (let j = 0; j < members.length; j++) {
      let all = true;
      for (let i = 0; i < k; i++) {
        const [error, bit] = replies[j * k + i]!;
        if (error) throw error;
        if (bit === 0) all = false;
      }
      result.push(all);
    }
    return result;
  }

  private async runBatches(
    members: readonly string[],
    call: (offsets: number[], pipeline: BloomCommands) => unknown,
  ): Promise<boolean[]> {
    const { m, k } = this.size;
    const pipeline = this.redis.pipeline() as unknown as BloomCommands & {
      exec(): Promise<[Error | null, unknown][] | null>;
    };
    for (let start = 0; start < members.length; start += this.batchSize) {
      const offsets: number[] = [];
      for (const member of members.slice(start, start + this.batchSize))
        offsets.push(...bloomPositions(member, m, k));
      call(offsets, pipeline);
    }
    const replies = (await pipeline.exec()) ?? [];
    const result: boolean[] = [];
    for (const [error, flags] of replies) {
      if (error) throw error;
      for (const flag of flags as number[]) result.push(flag === 1);
    }
    return result;
  }
}
