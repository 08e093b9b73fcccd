import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { type PersistenceMode, startPersistenceServer } from './persistenceModes.ts';
import { fillDataset } from './restartBenchmark.ts';
import { runRewriteScenario } from './rewriteScenario.ts';
import { aofFiles, rewriteAofAndWait, waitForAofBufferWritten, waitUntilLoaded } from './serverState.ts';
import { runTruncatedTail } from './truncatedAof.ts';

/** A fresh server in `mode` for one test, disposed whatever happens. */
async function withServer<T>(
  mode: PersistenceMode,
  body: (server: EphemeralServer) => Promise<T>,
  extraArgs: string[] = [],
): Promise<T> {
  const server = await startPersistenceServer(mode, { extraArgs });
  try {
    return await body(server);
  } finally {
    await server.dispose();
  }
}

/** Rewrite after `rewritten` keys, append `appended` more, SIGKILL, restart: what comes back, from which files. */
async function rewriteAppendCrash(server: EphemeralServer, rewritten: number, appended: number) {
  const redis = new Redis(server.url);
  try {
    await fillDataset(redis, 'base:', rewritten);
    await rewriteAofAndWait(redis);
    await fillDataset(redis, 'incr:', appended);
    await waitForAofBufferWritten(redis);
    const files = aofFiles(server.dir);
    const baseHead = readFileSync(path.join(server.dir, 'appendonlydir', files.base!.name))
      .subarray(0, 5)
      .toString('latin1');
    redis.disconnect();
    await server.kill();
    await server.restart();
    await redis.connect();
    await waitUntilLoaded(redis);
    return {
      files,
      baseHead,
      keys: await redis.dbsize(),
      lastKey: await redis.exists(`incr:${appended - 1}`),
    };
  } finally {
    redis.disconnect();
  }
}

describe('what the persistence files hold (real redis-server, SIGKILL and restart)', () => {
  // #region hybrid-test
  it('hybrid: the AOF base is an RDB file (REDIS magic), the increments are commands, and a restart gets both back', async () => {
    const hybrid = await withServer('hybrid', (s) => rewriteAppendCrash(s, 2_000, 500));
    expect(hybrid.baseHead).toBe('REDIS');
    expect(hybrid.files.base!.format).toBe('rdb');
    expect(hybrid.files.incr.reduce((sum, f) => sum + f.bytes, 0)).toBeGreaterThan(0);
    expect(hybrid.keys).toBe(2_500);
    expect(hybrid.lastKey).toBe(1);

    // Control: with the preamble off, the same steps leave a base file of plain commands.
    const plain = await withServer('aof-everysec', (s) => rewriteAppendCrash(s, 2_000, 500));
    expect(plain.baseHead.startsWith('*')).toBe(true);
    expect(plain.files.base!.format).toBe('aof');
    expect(plain.keys).toBe(2_500);
    // The same keys take less room as an RDB snapshot than as SET commands.
    expect(hybrid.files.base!.bytes).toBeLessThan(plain.files.base!.bytes);
  }, 30_000);
  // #endregion hybrid-test

  // #region rewrite-test
  it('BGREWRITEAOF shrinks an AOF full of overwrites, and the data read back after a crash is unchanged', async () => {
    const r = await withServer('aof-everysec', (s) =>
      runRewriteScenario(s, { keyPrefix: 'rw:', keys: 500, overwritesPerKey: 40 }),
    );
    expect(r.before.totalBytes).toBeGreaterThan(0);
    expect(r.after.totalBytes).toBeLessThan(r.before.totalBytes / 10); // 40 INCRs per key became one SET
    expect(r.dataEqualAfterRestart).toBe(true);
  }, 30_000);
  // #endregion rewrite-test

  it('a truncated AOF tail: loaded without the cut command by default, refused with aof-load-truncated no', async () => {
    const tolerant = await withServer('aof-everysec', (s) =>
      runTruncatedTail(s, { key: 'tail', writes: 1_000, cutBytes: 3 }),
    );
    expect(tolerant.started).toBe(true);
    expect(tolerant.recovered).toBe(999); // the last RPUSH lost its end, the 999 before it are intact
    expect(tolerant.logLine).toMatch(/truncated/i);

    const strict = await withServer(
      'aof-everysec',
      (s) => runTruncatedTail(s, { key: 'tail', writes: 1_000, cutBytes: 3 }),
      ['--aof-load-truncated', 'no'],
    );
    expect(strict.started).toBe(false);
    expect(strict.recovered).toBeNull();
    expect(strict.logLine).not.toBeNull();
  }, 30_000);
});
