import { isConfirmed, missingOn, type WaitPolicy, type WriteOutcome, writeSequence } from './ackedWrites.ts';
import type { ReplicatedRedis } from './ReplicatedRedis.ts';

export interface HeldBackResult {
  /** Writes the primary answered OK to. */
  acked: number;
  /** Of those, writes made while every replication link was held back. */
  ackedWhileHeldBack: number;
  /** Acknowledged writes absent from the promoted replica. */
  lost: number;
  promoted: string;
}

// #region lost-without-wait
/**
 * Acknowledged writes lost by construction: `synced` writes reach every replica, then every
 * replication link is held back (a stalled network, a replica far behind) while `heldBack` more
 * writes get their OK from the primary. The primary's host dies, the most up-to-date replica is
 * promoted, and the writes it never received are gone — although every one of them was acknowledged.
 */
export async function failoverWithoutWait(
  cluster: ReplicatedRedis,
  keyPrefix: string,
  counts: { synced: number; heldBack: number },
): Promise<HeldBackResult> {
  const writer = await cluster.connectPrimary();
  const before = await writeSequence(writer, `${keyPrefix}synced:`, counts.synced);
  await cluster.waitUntilInSync();
  for (const replica of cluster.replicas) replica.link.set({ mode: 'blackhole' });
  const during = await writeSequence(writer, `${keyPrefix}held:`, counts.heldBack);

  await cluster.crashPrimary();
  const promoted = await cluster.mostUpToDate();
  await cluster.promote(promoted);
  const acked = [...before, ...during].filter((w) => w.acked);
  const lost = await missingOn(promoted.client, acked);
  return {
    acked: acked.length,
    ackedWhileHeldBack: during.filter((w) => w.acked).length,
    lost: lost.length,
    promoted: promoted.name,
  };
}
// #endregion lost-without-wait

export interface WaitResult {
  acked: number;
  /** WAIT reported at least `policy.replicas` replicas. */
  confirmed: number;
  /** Acknowledged, but WAIT timed out short of `policy.replicas`: the caller was told. */
  unconfirmed: number;
  /** Confirmed writes missing after promoting the most up-to-date replica (the claim: 0). */
  confirmedLost: number;
  unconfirmedLost: number;
  /** Confirmed writes the other replica lacks: what promoting the wrong replica would have lost. */
  confirmedMissingOnLaggingReplica: number;
  promoted: string;
  /** The confirmed writes' WAIT answers (which replica confirmed is not part of the answer). */
  waitAnswers: number[];
}

// #region wait-failover
/**
 * The same crash with `WAIT 1` after every write. Replica 1's link is held back throughout;
 * replica 2 acknowledges the first `confirmed` writes, then its link is held back too and the last
 * `unconfirmed` writes time out in WAIT. The most up-to-date replica is promoted.
 */
export async function failoverWithWait(
  cluster: ReplicatedRedis,
  keyPrefix: string,
  counts: { confirmed: number; unconfirmed: number },
  timeouts: { healthyMs: number; heldBackMs: number },
): Promise<WaitResult> {
  const [lagging, healthy] = cluster.replicas as [(typeof cluster.replicas)[0], (typeof cluster.replicas)[0]];
  const writer = await cluster.connectPrimary();
  const policy = (timeoutMs: number): WaitPolicy => ({ replicas: 1, timeoutMs });
  lagging.link.set({ mode: 'blackhole' });
  const first = await writeSequence(writer, `${keyPrefix}a:`, counts.confirmed, policy(timeouts.healthyMs));
  healthy.link.set({ mode: 'blackhole' });
  const second = await writeSequence(
    writer,
    `${keyPrefix}b:`,
    counts.unconfirmed,
    policy(timeouts.heldBackMs),
  );

  await cluster.crashPrimary();
  const promoted = await cluster.mostUpToDate();
  const other = promoted === lagging ? healthy : lagging;
  await cluster.promote(promoted);
  const writes: WriteOutcome[] = [...first, ...second].filter((w) => w.acked);
  const confirmed = writes.filter((w) => isConfirmed(w, policy(0)));
  const unconfirmed = writes.filter((w) => !isConfirmed(w, policy(0)));
  return {
    acked: writes.length,
    confirmed: confirmed.length,
    unconfirmed: unconfirmed.length,
    confirmedLost: (await missingOn(promoted.client, confirmed)).length,
    unconfirmedLost: (await missingOn(promoted.client, unconfirmed)).length,
    confirmedMissingOnLaggingReplica: (await missingOn(other.client, confirmed)).length,
    promoted: promoted.name,
    waitAnswers: confirmed.map((w) => w.replicasConfirmed!),
  };
}
// #endregion wait-failover
