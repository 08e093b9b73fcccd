import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

const SET_MANY_LUA = readFileSync(
  path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands', 'setMany.lua'),
  'utf8',
);

/** Writes `keys[i] = values[i]` for every i; each mode differs only in how commands meet the network. */
export type WriteMode = (redis: Redis, keys: string[], values: string[]) => Promise<void>;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Throws the first per-command error of a pipeline or transaction reply. */
function firstError(replies: Array<[Error | null, unknown]> | null): void {
  if (replies === null) throw new Error('transaction aborted (EXEC returned null)');
  for (const [error] of replies) if (error) throw error;
}

// #region modes
/** One command, wait for its reply, next command: one round trip per command. */
export const sequential: WriteMode = async (redis, keys, values) => {
  for (let i = 0; i < keys.length; i++) await redis.set(keys[i]!, values[i]!);
};

/** `batchSize` commands written back to back, then one wait for all their replies. */
export const pipelined =
  (batchSize: number): WriteMode =>
  async (redis, keys, values) => {
    for (const batch of chunks(
      keys.map((k, i) => [k, values[i]!] as const),
      batchSize,
    )) {
      const pipeline = redis.pipeline();
      for (const [k, v] of batch) pipeline.set(k, v);
      firstError(await pipeline.exec());
    }
  };

/** The same batches inside MULTI/EXEC: pipelined and, in addition, applied with nothing interleaved. */
export const transaction =
  (batchSize: number): WriteMode =>
  async (redis, keys, values) => {
    for (const batch of chunks(
      keys.map((k, i) => [k, values[i]!] as const),
      batchSize,
    )) {
      const multi = redis.multi();
      for (const [k, v] of batch) multi.set(k, v);
      firstError(await multi.exec());
    }
  };

/** One script call per batch: one command on the wire, N writes inside Redis. */
export const luaBatch =
  (batchSize: number): WriteMode =>
  async (redis, keys, values) => {
    const withScript = redis as Redis & { setMany(numKeys: number, ...args: string[]): Promise<number> };
    if (!('setMany' in redis)) redis.defineCommand('setMany', { lua: SET_MANY_LUA });
    for (let i = 0; i < keys.length; i += batchSize) {
      const k = keys.slice(i, i + batchSize);
      await withScript.setMany(k.length, ...k, ...values.slice(i, i + batchSize));
    }
  };

/**
 * `concurrency` independent callers that never wait for each other. ioredis writes each command
 * as soon as it is issued, so this pipelines too, without any batching in the caller's code; with
 * `enableAutoPipelining` the client also merges commands issued in the same tick into one write.
 */
export const concurrent =
  (concurrency: number): WriteMode =>
  async (redis, keys, values) => {
    for (let i = 0; i < keys.length; i += concurrency) {
      await Promise.all(keys.slice(i, i + concurrency).map((k, j) => redis.set(k, values[i + j]!)));
    }
  };
// #endregion modes
