import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { LOG_FILE, type PersistenceMode } from './persistenceModes.ts';
import {
  aofFiles,
  rdbBytes,
  restartProbeClient,
  rewriteAofAndWait,
  snapshotAndWait,
  waitUntilLoaded,
} from './serverState.ts';

export interface RestartResult {
  mode: PersistenceMode;
  keys: number;
  /** Bytes on disk that a restart reads: dump.rdb, or the files the AOF manifest lists. */
  fileBytes: number;
  /** Format of the file holding the data: RDB, or AOF commands (the hybrid's base is RDB). */
  format: string;
  /** How long Redis itself says loading took (its log line "DB loaded from …: N seconds"). */
  loadMs: number;
  /** From the log's "Redis is starting" to "Ready to accept connections": the outage a restart costs. */
  startToReadyMs: number;
  keysAfterRestart: number;
}

/** Fills Redis with `keys` string keys in pipelined batches (same dataset for every mode). */
export async function fillDataset(redis: Redis, keyPrefix: string, keys: number): Promise<void> {
  const value = 'x'.repeat(100);
  for (let from = 0; from < keys; from += 1000) {
    const pipeline = redis.pipeline();
    for (let i = from; i < Math.min(from + 1000, keys); i++) pipeline.set(`${keyPrefix}${i}`, value);
    await pipeline.exec();
  }
}

// #region restart-benchmark
/**
 * Writes the dataset, makes the mode's file hold it once (a BGSAVE for RDB, a BGREWRITEAOF for the AOF
 * modes, so the AOF is not inflated by history), SIGKILLs the server and times the restart.
 */
export async function measureRestart(
  server: EphemeralServer,
  mode: PersistenceMode,
  options: { keyPrefix: string; keys: number },
): Promise<RestartResult> {
  const redis = restartProbeClient(server.url);
  await redis.connect();
  try {
    await fillDataset(redis, options.keyPrefix, options.keys);
    if (mode === 'rdb') await snapshotAndWait(redis);
    else await rewriteAofAndWait(redis);
    const files = mode === 'rdb' ? null : aofFiles(server.dir);
    const fileBytes = files ? files.totalBytes : rdbBytes(server.dir);
    const format = files ? (files.base?.format === 'rdb' ? 'RDB base + AOF incr' : 'AOF commands') : 'RDB';
    redis.disconnect();
    await server.kill();

    await server.restart();
    await redis.connect();
    await waitUntilLoaded(redis);
    return {
      mode,
      keys: options.keys,
      fileBytes,
      format,
      ...lastStartFromLog(server.dir),
      keysAfterRestart: await redis.dbsize(),
    };
  } finally {
    redis.disconnect();
  }
}
// #endregion restart-benchmark

/** What Redis logged about its last start: the load time it measured, and start to ready. */
export function lastStartFromLog(dataDir: string): { loadMs: number; startToReadyMs: number } {
  const lines = readFileSync(path.join(dataDir, LOG_FILE), 'utf8').split('\n');
  const startAt = lines.findLastIndex((l) => l.includes('Redis is starting'));
  const lastStart = lines.slice(startAt);
  const loaded = lastStart
    .map((l) => /DB loaded from (?:disk|append only file): ([\d.]+) seconds/.exec(l)?.[1])
    .find((v) => v !== undefined);
  const ready = lastStart.find((l) => l.includes('Ready to accept connections'));
  if (startAt < 0 || loaded === undefined || !ready)
    throw new Error(
      `${LOG_FILE} has no complete start with a "DB loaded from" line: did the restart load a file?`,
    );
  let startToReadyMs = timeOfDayMs(ready) - timeOfDayMs(lines[startAt]!);
  if (startToReadyMs < 0) startToReadyMs += 86_400_000; // the start crossed midnight
  return { loadMs: Number(loaded) * 1000, startToReadyMs };
}

/** "1234:M 21 Nov 2026 22:07:52.543 * …" → milliseconds since midnight. */
function timeOfDayMs(line: string): number {
  const m = / (\d{2}):(\d{2}):(\d{2})\.(\d{3}) /.exec(line);
  if (!m) throw new Error(`no time stamp in Redis log line: ${line}`);
  const [h, min, sec, ms] = m.slice(1).map(Number) as [number, number, number, number];
  return ((h * 60 + min) * 60 + sec) * 1000 + ms;
}
