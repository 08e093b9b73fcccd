import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, type LatencySummary } from '../../../src/lab/index.ts';
import { isConfirmed, missingOn, type WaitPolicy, type WriteOutcome, writeKey } from './ackedWrites.ts';
import { ReplicatedRedis } from './ReplicatedRedis.ts';

export interface CrashUnderLoadResult {
  acked: number;
  lost: number;
  /** With WAIT: writes whose WAIT reached the policy's replica count, and how many of them were lost. */
  confirmed: number | null;
  confirmedLost: number | null;
  /** Per-write latency of the writes that completed before the crash (SET, or SET + WAIT). */
  latency: LatencySummary;
}

/**
 * Writers run flat out against a primary whose replication links have `linkLatencyMs` of delay; after
 * `durationMs` the primary's host dies mid-stream and the most up-to-date replica is promoted. Nothing
 * is held back by construction here: what is lost is whatever was still travelling when the host died.
 */
export async function crashUnderLoad(options: {
  keyPrefix: string;
  linkLatencyMs: number;
  durationMs: number;
  writers: number;
  wait?: WaitPolicy;
  signal?: AbortSignal;
}): Promise<CrashUnderLoadResult> {
  const { keyPrefix, linkLatencyMs, durationMs, writers, wait, signal } = options;
  const cluster = await ReplicatedRedis.start({
    replicas: 2,
    linkFaults: { latencyMs: linkLatencyMs },
    signal,
  });
  try {
    const clients = await Promise.all(Array.from({ length: writers }, () => cluster.connectPrimary()));
    const outcomes: WriteOutcome[] = [];
    const latency = new LatencyRecorder();
    let crashed = false;
    const writer = async (w: number) => {
      for (let i = 0; !crashed; i++) {
        const outcome = await writeKey(clients[w]!, `${keyPrefix}${w}:${i}`, `v${i}`, wait);
        outcomes.push(outcome);
        if (!outcome.acked) return; // the primary is gone
        if (!crashed) latency.recordMs(outcome.latencyMs);
      }
    };
    const running = Promise.all(clients.map((_, w) => writer(w)));
    await sleep(durationMs, undefined, { signal });
    await cluster.crashPrimary();
    crashed = true;
    await running;

    const promoted = await cluster.mostUpToDate();
    await cluster.promote(promoted);
    const acked = outcomes.filter((o) => o.acked);
    const confirmed = wait ? acked.filter((o) => isConfirmed(o, wait)) : null;
    return {
      acked: acked.length,
      lost: (await missingOn(promoted.client, acked)).length,
      confirmed: confirmed?.length ?? null,
      confirmedLost: confirmed ? (await missingOn(promoted.client, confirmed)).length : null,
      latency: latency.summary(),
    };
  } finally {
    await cluster.dispose();
  }
}
