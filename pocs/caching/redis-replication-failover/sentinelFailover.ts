import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { EphemeralServer } from '../../../src/lab/index.ts';
import { waitUntil } from '../../../src/lab/waitUntil.ts';
import { missingOn, type WriteOutcome, writeKey } from './ackedWrites.ts';
import { MASTER_NAME, type SentinelCluster } from './SentinelCluster.ts';

/** How long the writer waits after a failed write before the next one, and ioredis between reconnects. */
export const RETRY_MS = 10;
export const RECONNECT_MS = 100;

export interface SentinelFailoverResult {
  /** The replica Sentinel promoted (never the old primary). */
  promoted: EphemeralServer;
  /** SIGKILL of the primary → a Sentinel names another server as primary. */
  promotionMs: number;
  /** SIGKILL → first write acknowledged that was sent after the old primary had exited. */
  firstWriteMs: number;
  /** Writes that got an error instead of OK (one writer, next try after RETRY_MS). */
  failedWrites: number;
  acked: number;
  /** Acknowledged writes (by the old primary or the new one) that the new primary does not have. */
  ackedLost: number;
  /** Writes acknowledged after the failover, and how many of them the promoted replica lacks (should be 0). */
  ackedAfterFailover: number;
  ackedAfterFailoverMissing: number;
  /** The old primary restarted → it reports itself a replica of the promoted one (null: not measured). */
  rejoinMs: number | null;
  /** What the client wrote after the failover, checked on the old primary once it rejoined. */
  afterFailover: readonly WriteOutcome[];
}

// #region sentinel-client
/**
 * The client asks the Sentinels for the primary's address instead of being given one, and asks again
 * on every reconnect. No offline queue and no per-command retry: a write during the failover fails at
 * once, so the writer sees (and counts) the gap instead of ioredis hiding it in a queue.
 */
export function sentinelClient(cluster: SentinelCluster): Redis {
  const client = new Redis({
    sentinels: cluster.sentinelAddresses,
    name: MASTER_NAME,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => RECONNECT_MS,
    lazyConnect: true,
  });
  client.on('error', () => {}); // failures surface as rejected writes, which the writer counts
  return client;
}
// #endregion sentinel-client

interface TimedWrite extends WriteOutcome {
  sentAt: number;
  doneAt: number;
}

/**
 * One writer SETs seq keys one at a time through the Sentinel-aware client; the primary is SIGKILLed
 * mid-stream; Sentinel (not this code) picks and promotes a replica; the writer carries on. Optionally
 * the old primary is restarted (empty: no persistence) and Sentinel must turn it into a replica.
 */
export async function sentinelFailover(
  cluster: SentinelCluster,
  options: {
    keyPrefix: string;
    writesBefore: number;
    writesAfter: number;
    rejoin: boolean;
    signal?: AbortSignal;
  },
): Promise<SentinelFailoverResult> {
  const { keyPrefix, writesBefore, writesAfter, rejoin, signal } = options;
  const client = sentinelClient(cluster);
  try {
    await client.connect();
    const writes: TimedWrite[] = [];
    let stop = false;
    const writing = (async () => {
      for (let i = 0; !stop; i++) {
        const sentAt = performance.now();
        const outcome = await writeKey(client, `${keyPrefix}${i}`, `v${i}`);
        writes.push({ ...outcome, sentAt, doneAt: performance.now() });
        if (!outcome.acked) await sleep(RETRY_MS);
      }
    })();
    try {
      const acked = () => writes.filter((w) => w.acked);
      await waitUntil(async () => acked().length >= writesBefore, {
        what: 'writes before the crash',
        signal,
      });

      // #region kill-and-wait
      const old = cluster.initialPrimary;
      const killAt = performance.now();
      await old.kill();
      const killed = performance.now();
      const promoted = await cluster.waitForPromotion(old.port, signal);
      const promotionMs = performance.now() - killAt;
      // A write sent after the old primary exited can only have been acknowledged by the new one.
      const afterFailover = () => writes.filter((w) => w.acked && w.sentAt > killed);
      await waitUntil(async () => afterFailover().length >= writesAfter, {
        what: 'writes on the promoted replica through the Sentinel-aware client',
        timeoutMs: 60_000,
        signal,
      });
      // #endregion kill-and-wait
      stop = true;
      await writing;

      const newPrimary = await cluster.connectTo(promoted);
      const after = afterFailover();
      const result: SentinelFailoverResult = {
        promoted,
        promotionMs,
        firstWriteMs: after[0]!.doneAt - killAt,
        failedWrites: writes.filter((w) => !w.acked).length,
        acked: acked().length,
        ackedLost: (await missingOn(newPrimary, acked())).length,
        ackedAfterFailover: after.length,
        ackedAfterFailoverMissing: (await missingOn(newPrimary, after)).length,
        rejoinMs: null,
        afterFailover: after,
      };
      if (rejoin) {
        const restartAt = performance.now();
        await old.restart(signal);
        await cluster.waitUntilReplicaOf(old, promoted, signal);
        result.rejoinMs = performance.now() - restartAt;
      }
      return result;
    } finally {
      stop = true;
      await writing;
    }
  } finally {
    client.disconnect();
  }
}
