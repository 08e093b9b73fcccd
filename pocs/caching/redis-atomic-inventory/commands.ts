import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
// The lab's shared loader: every commands/<name>-<numberOfKeys>.lua becomes an ioredis command.
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** Adds `reserveStock(key, quantity)` to the client. */
export function defineInventoryCommands(redis: Redis): void {
  defineCommands(redis, readCommands(COMMANDS_DIR));
}
