import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';

export type PersistenceInfo = Record<string, string>;

/** `INFO persistence` as field → value. Redis answers INFO even while it is still loading its files. */
export async function persistenceInfo(redis: Redis): Promise<PersistenceInfo> {
  const text = await redis.info('persistence');
  const fields: PersistenceInfo = {};
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return fields;
}

/** Polls INFO persistence until `done` holds: the server's own state, never a guessed sleep. */
export async function waitForPersistence(
  redis: Redis,
  what: string,
  done: (info: PersistenceInfo) => boolean,
  timeoutMs = 60_000,
): Promise<PersistenceInfo> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const info = await persistenceInfo(redis);
    if (done(info)) return info;
    if (performance.now() > deadline)
      throw new Error(`Redis did not report "${what}" within ${timeoutMs} ms`);
    await sleep(5);
  }
}

// #region snapshot
/** BGSAVE, then wait until the forked child has written the snapshot and Redis has swapped it in. */
export async function snapshotAndWait(redis: Redis): Promise<void> {
  const savesBefore = Number((await persistenceInfo(redis)).rdb_saves);
  await redis.bgsave();
  const info = await waitForPersistence(
    redis,
    'BGSAVE finished',
    (i) => i.rdb_bgsave_in_progress === '0' && Number(i.rdb_saves) > savesBefore,
  );
  if (info.rdb_last_bgsave_status !== 'ok') throw new Error('BGSAVE failed: see the Redis log');
}
// #endregion snapshot

/** BGREWRITEAOF, then wait until the new base file is in the manifest and the old files are retired. */
export async function rewriteAofAndWait(redis: Redis): Promise<void> {
  const before = Number((await persistenceInfo(redis)).aof_rewrites);
  await redis.bgrewriteaof();
  const info = await waitForPersistence(
    redis,
    'BGREWRITEAOF finished',
    (i) =>
      i.aof_rewrite_in_progress === '0' && i.aof_rewrite_scheduled === '0' && Number(i.aof_rewrites) > before,
  );
  if (info.aof_last_bgrewrite_status !== 'ok') throw new Error('BGREWRITEAOF failed: see the Redis log');
}

/**
 * With everysec, Redis may postpone the write(2) of its AOF buffer while a background fsync is still
 * running, and reply meanwhile. An empty buffer marks the point where every earlier acknowledged
 * write has reached the kernel. Without AOF there is no buffer to wait for.
 */
export async function waitForAofBufferWritten(redis: Redis): Promise<void> {
  if ((await persistenceInfo(redis)).aof_enabled !== '1') return;
  await waitForPersistence(redis, 'aof_buffer_length:0', (i) => i.aof_buffer_length === '0');
}

/** A client that gives up at once when the server dies, so a crash shows up as rejected writes. */
export function crashAwareClient(url: string): Redis {
  const client = new Redis(url, {
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  client.on('error', () => {}); // each failed command rejects on its own
  return client;
}

/**
 * A client for timing restarts: ioredis's ready check would see `loading:1` and back off for the
 * server's loading ETA (a second or more), which would be measured as restart time.
 */
export function restartProbeClient(url: string): Redis {
  return new Redis(url, { enableReadyCheck: false, lazyConnect: true });
}

/** Waits until a restarted server has finished loading its files (INFO answers before that). */
export async function waitUntilLoaded(redis: Redis): Promise<PersistenceInfo> {
  return waitForPersistence(redis, 'loading:0', (i) => i.loading === '0');
}

export interface AofFiles {
  base: { name: string; bytes: number; format: 'rdb' | 'aof' } | null;
  incr: Array<{ name: string; bytes: number }>;
  totalBytes: number;
}

// #region aof-manifest
/**
 * Redis 7 keeps the AOF as several files in `appenddirname`: one base file (an RDB snapshot when
 * aof-use-rdb-preamble is on, commands otherwise), incremental command files, and a manifest naming
 * them. Only the files the manifest lists count: history files wait there for deletion.
 */
export function aofFiles(dataDir: string): AofFiles {
  const dir = path.join(dataDir, 'appendonlydir');
  const manifest = readFileSync(path.join(dir, 'appendonly.aof.manifest'), 'utf8');
  const files: AofFiles = { base: null, incr: [], totalBytes: 0 };
  for (const line of manifest.split('\n')) {
    const name = /^file (\S+)/.exec(line)?.[1];
    const type = / type ([bhi])/.exec(line)?.[1];
    if (!name || !type || type === 'h') continue;
    const bytes = statSync(path.join(dir, name)).size;
    files.totalBytes += bytes;
    if (type === 'b')
      files.base = { name, bytes, format: startsWithRdbMagic(path.join(dir, name)) ? 'rdb' : 'aof' };
    else files.incr.push({ name, bytes });
  }
  return files;
}
// #endregion aof-manifest

/** An RDB file starts with the five bytes `REDIS` followed by its version. */
export function startsWithRdbMagic(file: string): boolean {
  const head = Buffer.alloc(5);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 5, 0);
  } finally {
    closeSync(fd);
  }
  return head.toString('latin1') === 'REDIS';
}

export function rdbBytes(dataDir: string): number {
  return statSync(path.join(dataDir, 'dump.rdb')).size;
}
