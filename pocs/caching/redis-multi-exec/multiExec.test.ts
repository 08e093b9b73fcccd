import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { runInterleaving } from './interleaving.ts';
import { traceMultiVsPipeline } from './wireTrace.ts';

const db = useRedis('multi-exec', { connections: 2 });
const { ns, url } = db;
/** A second client: another app server, writing while we work. */
const other = () => db.clients[1]!;

describe('MULTI/EXEC (real Redis)', () => {
  it('without MULTI, another client’s writes land between ours', async () => {
    const r = await runInterleaving({ url, key: `${ns}:separate`, mode: 'separate', batch: 50 });
    expect(r.intrusions).toBeGreaterThan(0);
  });

  it('with MULTI, no other client’s write lands inside the block, however large and however busy B is', async () => {
    for (const batch of [50, 5_000]) {
      const r = await runInterleaving({ url, key: `${ns}:multi:${batch}`, mode: 'multi', batch });
      expect(r.bWrites).toBeGreaterThan(0); // B really was writing at the same time
      expect(r.intrusions).toBe(0);
    }
  });

  it('commands are QUEUED, not run, until EXEC; another client meanwhile sees nothing', async () => {
    const key = `${ns}:queued`;
    const tx = new Redis(url); // its own connection: MULTI puts the whole connection in queuing mode
    try {
      await tx.multi({ pipeline: false }); // send MULTI now, then each command as we call it
      expect(await tx.set(key, 'inside')).toBe('QUEUED');
      expect(await tx.incr(`${key}:n`)).toBe('QUEUED');
      expect(await other().exists(key)).toBe(0); // queued, not applied
      expect(await tx.exec()).toEqual([
        [null, 'OK'],
        [null, 1],
      ]);
    } finally {
      await tx.quit();
    }
    expect(await other().get(key)).toBe('inside');
  });

  it('ioredis multi() sends MULTI … EXEC; pipeline() sends the bare commands (seen with MONITOR)', async () => {
    const trace = await traceMultiVsPipeline(url, `${ns}:trace`);
    expect(trace.multi).toEqual(['MULTI', 'INCR', 'INCR', 'EXEC']);
    expect(trace.pipeline).toEqual(['INCR', 'INCR']);
    // Same reply shape from ioredis for both: one [error, result] pair per command.
    expect(trace.multiReplies).toEqual([
      [null, 1],
      [null, 2],
    ]);
    expect(trace.pipelineReplies).toEqual([
      [null, 3],
      [null, 4],
    ]);
  });
});
