import { readFileSync, truncateSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { LOG_FILE } from './persistenceModes.ts';
import { aofFiles, waitForAofBufferWritten, waitUntilLoaded } from './serverState.ts';

export interface TruncatedTailResult {
  written: number;
  /** Whether Redis came back up on the damaged AOF. */
  started: boolean;
  /** Entries of the list after the restart (null when the server did not start). */
  recovered: number | null;
  /** What Redis wrote to its log about the damaged file. */
  logLine: string | null;
}

// #region truncated-tail
/**
 * Appends `writes` entries, SIGKILLs the server, then cuts `cutBytes` off the end of the last
 * incremental AOF file while the server is down: what a crash in the middle of a write(2) leaves
 * behind. The restart then shows what `aof-load-truncated` (set by the caller on the server) does.
 */
export async function runTruncatedTail(
  server: EphemeralServer,
  options: { key: string; writes: number; cutBytes: number },
): Promise<TruncatedTailResult> {
  const redis = new Redis(server.url);
  try {
    const pipeline = redis.pipeline();
    for (let i = 0; i < options.writes; i++) pipeline.rpush(options.key, String(i));
    await pipeline.exec();
    // Everything acknowledged is in the kernel once the AOF buffer is empty: the cut is the only damage.
    await waitForAofBufferWritten(redis);
    redis.disconnect();
    await server.kill();

    const lastIncr = aofFiles(server.dir).incr.at(-1);
    if (!lastIncr) throw new Error('no incremental AOF file to truncate');
    const file = path.join(server.dir, 'appendonlydir', lastIncr.name);
    truncateSync(file, lastIncr.bytes - options.cutBytes);

    try {
      await server.restart();
    } catch {
      return { written: options.writes, started: false, recovered: null, logLine: damageLogLine(server.dir) };
    }
    await redis.connect();
    await waitUntilLoaded(redis);
    const recovered = await redis.llen(options.key);
    return { written: options.writes, started: true, recovered, logLine: damageLogLine(server.dir) };
  } finally {
    redis.disconnect();
  }
}
// #endregion truncated-tail

function damageLogLine(dataDir: string): string | null {
  const log = readFileSync(path.join(dataDir, LOG_FILE), 'utf8');
  const line = log
    .split('\n')
    .findLast((l) => /truncated|Unexpected end of file|Bad file format/i.test(l) && !/^\s*$/.test(l));
  // Drop the "pid:M 21 Nov 2026 12:00:00.000 # " prefix: the message is what matters.
  return line ? line.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ . /, '').trim() : null;
}
