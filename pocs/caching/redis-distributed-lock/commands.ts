import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
// The lab's shared loader: every commands/<name>-<numberOfKeys>.lua becomes an ioredis command.
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** The methods `defineLockCommands` adds to a client, one per file in commands/. */
export interface LockCommands {
  acquireLock(lockKey: string, fenceKey: string, token: string, ttlMs: number): Promise<[number, number]>;
  releaseLock(lockKey: string, token: string): Promise<number>;
  extendLock(lockKey: string, token: string, ttlMs: number): Promise<number>;
  fencedWrite(
    resourceKey: string,
    fencingToken: number,
    value: string,
    writer: string,
  ): Promise<[number, number]>;
}

export type LockRedis = Redis & LockCommands;

/** Registers the lock scripts on a client (idempotent) and returns it typed. */
export function defineLockCommands(redis: Redis): LockRedis {
  if (!('acquireLock' in redis)) defineCommands(redis, readCommands(COMMANDS_DIR));
  return redis as LockRedis;
}
