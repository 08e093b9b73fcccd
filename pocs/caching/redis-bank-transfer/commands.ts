import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
// The lab's shared loader: every commands/<name>-<numberOfKeys>.lua becomes an ioredis command.
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

export type TransferRedis = Redis & { transfer(from: string, to: string, amount: number): Promise<number> };

/** Adds `transfer(fromKey, toKey, amount)` to the client. */
export function defineTransferCommands(redis: Redis): TransferRedis {
  if (!('transfer' in redis)) defineCommands(redis, readCommands(COMMANDS_DIR));
  return redis as TransferRedis;
}
