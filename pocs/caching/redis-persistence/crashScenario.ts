import type { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import type { PersistenceMode } from './persistenceModes.ts';
import {
  crashAwareClient,
  restartProbeClient,
  snapshotAndWait,
  waitForAofBufferWritten,
  waitUntilLoaded,
} from './serverState.ts';

export interface CrashScenarioOptions {
  server: EphemeralServer;
  mode: PersistenceMode;
  keyPrefix: string;
  /** Concurrent connections, each appending its own sequence to its own list. */
  writers?: number;
  /**
   * Acknowledged appends per writer before the checkpoint: a finished BGSAVE (RDB), an empty AOF
   * buffer (AOF modes), nothing (no persistence).
   */
  beforePerWriter: number;
  /** After the checkpoint, SIGKILL once this many more appends were acknowledged (all writers). */
  killAfter: number;
}

export interface CrashResult {
  mode: PersistenceMode;
  /** Whether a BGSAVE ran between the two phases (RDB only). */
  snapshotTaken: boolean;
  ackedBefore: number;
  /** Acknowledged after the checkpoint, up to the moment the server died. */
  ackedAfter: number;
  acked: number;
  lostBefore: number;
  lostAfter: number;
  lost: number;
  /** Appends that were in flight when the server died (never acknowledged) but are in the data anyway. */
  unackedRecovered: number;
  /** Whether each writer's recovered list is a gap-free prefix 0, 1, 2… of what it sent. */
  recoveredInOrder: boolean;
}

// #region crash-scenario
/**
 * Writers append 0, 1, 2… to one list each and remember what Redis acknowledged. Phase 1 writes
 * `beforePerWriter` each; in RDB mode a BGSAVE then snapshots them. Phase 2 keeps all writers going
 * and SIGKILLs the server mid-stream. After a restart on the same data dir, every acknowledged append
 * that is not in its list is a lost write.
 */
export async function runCrashScenario(options: CrashScenarioOptions): Promise<CrashResult> {
  const { server, mode, keyPrefix, beforePerWriter, killAfter } = options;
  const writerCount = options.writers ?? 4;
  const listKey = (w: number) => `${keyPrefix}log:${w}`;
  const clients = Array.from({ length: writerCount }, () => crashAwareClient(server.url));
  const ackedUpTo = new Array<number>(writerCount).fill(-1); // highest index acknowledged per writer
  try {
    await Promise.all(clients.map((c) => c.connect()));
    await Promise.all(
      clients.map(async (client, w) => {
        for (let i = 0; i < beforePerWriter; i++) {
          await client.rpush(listKey(w), String(i));
          ackedUpTo[w] = i;
        }
      }),
    );
    const snapshotTaken = mode === 'rdb';
    if (snapshotTaken) await snapshotAndWait(clients[0]!);
    await waitForAofBufferWritten(clients[0]!);

    let ackedAfter = 0;
    let killed: Promise<void> | undefined;
    await Promise.all(
      clients.map(async (client, w) => {
        for (let i = beforePerWriter; ; i++) {
          try {
            await client.rpush(listKey(w), String(i));
          } catch {
            return; // the server is gone: this append was never acknowledged
          }
          ackedUpTo[w] = i;
          ackedAfter++;
          if (ackedAfter === killAfter) killed = server.kill(); // the other writers are mid-command
        }
      }),
    );
    await killed;

    await server.restart();
    const reader = restartProbeClient(server.url);
    try {
      await reader.connect();
      await waitUntilLoaded(reader);
      const result: CrashResult = {
        mode,
        snapshotTaken,
        ackedBefore: beforePerWriter * writerCount,
        ackedAfter,
        acked: 0,
        lostBefore: 0,
        lostAfter: 0,
        lost: 0,
        unackedRecovered: 0,
        recoveredInOrder: true,
      };
      for (let w = 0; w < writerCount; w++) {
        const recovered = (await reader.lrange(listKey(w), 0, -1)).map(Number);
        if (recovered.some((value, index) => value !== index)) result.recoveredInOrder = false;
        const present = new Set(recovered);
        for (let i = 0; i <= ackedUpTo[w]!; i++) {
          if (present.has(i)) continue;
          if (i < beforePerWriter) result.lostBefore++;
          else result.lostAfter++;
        }
        result.unackedRecovered += recovered.filter((i) => i > ackedUpTo[w]!).length;
      }
      result.acked = result.ackedBefore + result.ackedAfter;
      result.lost = result.lostBefore + result.lostAfter;
      return result;
    } finally {
      await reader.quit().catch(() => reader.disconnect());
    }
  } finally {
    for (const client of clients) client.disconnect();
  }
}
// #endregion crash-scenario
