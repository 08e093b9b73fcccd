import { describe, expect, it } from 'vitest';
import { type CrashResult, runCrashScenario } from './crashScenario.ts';
import { type PersistenceMode, startPersistenceServer } from './persistenceModes.ts';

const WRITERS = 4;
const BEFORE_PER_WRITER = 250;
const KILL_AFTER = 1_000;

/** A fresh server in `mode`, one crash scenario on it, and the server disposed whatever happens. */
async function crash(mode: PersistenceMode): Promise<CrashResult> {
  const server = await startPersistenceServer(mode);
  try {
    return await runCrashScenario({
      server,
      mode,
      keyPrefix: 'crash:',
      writers: WRITERS,
      beforePerWriter: BEFORE_PER_WRITER,
      killAfter: KILL_AFTER,
    });
  } finally {
    await server.dispose();
  }
}

// Real redis-server processes, SIGKILLed mid-stream while 4 connections are appending, then restarted.
describe('acknowledged writes after a SIGKILL of the Redis process', () => {
  it('no persistence: every acknowledged write is gone', async () => {
    const r = await crash('none');
    expect(r.ackedBefore).toBe(WRITERS * BEFORE_PER_WRITER);
    expect(r.ackedAfter).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(r.lost).toBe(r.acked);
  }, 30_000);

  // #region rdb-test
  it('RDB: exactly the writes acknowledged after the last snapshot are lost, the snapshot survives', async () => {
    const r = await crash('rdb');
    expect(r.snapshotTaken).toBe(true);
    expect(r.lostBefore).toBe(0);
    expect(r.ackedAfter).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(r.lostAfter).toBe(r.ackedAfter);
    expect(r.unackedRecovered).toBe(0); // nothing after the snapshot came back, acknowledged or not
    expect(r.recoveredInOrder).toBe(true);
  }, 30_000);
  // #endregion rdb-test

  // #region aof-always-test
  it('AOF appendfsync always: no acknowledged write is lost, even the ones right before the kill', async () => {
    const r = await crash('aof-always');
    expect(r.ackedAfter).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(r.lost).toBe(0);
    expect(r.recoveredInOrder).toBe(true);
  }, 30_000);
  // #endregion aof-always-test

  it('AOF appendfsync everysec: everything acknowledged before the last buffer flush survives; any loss is only the newest tail', async () => {
    const r = await crash('aof-everysec');
    expect(r.ackedAfter).toBeGreaterThanOrEqual(KILL_AFTER);
    // Deterministic: these were acknowledged before Redis reported an empty AOF buffer.
    expect(r.lostBefore).toBe(0);
    // Deterministic too: the AOF is a log, so what survives is a gap-free prefix of each writer's appends.
    // Whether the newest ones survive depends on whether a background fsync was running at the kill
    // (Redis then postpones its write(2) for up to 2 s but still replies): the demo counts it.
    expect(r.recoveredInOrder).toBe(true);
    expect(r.lostAfter).toBeLessThanOrEqual(r.ackedAfter);
  }, 30_000);

  it('hybrid (RDB preamble): no acknowledged write before the last buffer flush is lost', async () => {
    const r = await crash('hybrid');
    expect(r.lostBefore).toBe(0);
    expect(r.recoveredInOrder).toBe(true);
  }, 30_000);
});
