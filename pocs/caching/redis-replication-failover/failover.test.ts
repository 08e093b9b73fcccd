import { afterEach, describe, expect, it } from 'vitest';
import { testNamespace } from '../../../src/testing/services.ts';
import { failoverWithoutWait, failoverWithWait } from './failoverScenarios.ts';
import { ReplicatedRedis } from './ReplicatedRedis.ts';

// Every test crashes its primary, so each gets a fresh primary and two replicas of its own.
describe('failover after asynchronous replication (own primary + 2 replicas, links through FaultProxy)', () => {
  let cluster: ReplicatedRedis | undefined;
  afterEach(async () => {
    await cluster?.dispose();
    cluster = undefined;
  });

  // #region test-lost
  it('without WAIT: writes acknowledged while replication was held back are lost on failover', async () => {
    cluster = await ReplicatedRedis.start({ replicas: 2 });
    const r = await failoverWithoutWait(cluster, `${testNamespace('failover-nowait')}:`, {
      synced: 20,
      heldBack: 30,
    });
    expect(r.acked).toBe(50); // the primary said OK to every write
    expect(r.ackedWhileHeldBack).toBe(30);
    expect(r.lost).toBe(30); // exactly those made while the links were held back
  });
  // #endregion test-lost

  // #region test-wait
  it('with WAIT 1: no confirmed write is lost; the writes WAIT did not confirm were reported as such', async () => {
    cluster = await ReplicatedRedis.start({ replicas: 2 });
    const r = await failoverWithWait(
      cluster,
      `${testNamespace('failover-wait')}:`,
      { confirmed: 20, unconfirmed: 10 },
      // Generous: replica 2's link is healthy, so WAIT returns as soon as it acknowledges.
      { healthyMs: 20_000, heldBackMs: 50 },
    );
    expect(r.acked).toBe(30);
    expect(r.confirmed).toBe(20);
    expect(r.waitAnswers.every((n) => n === 1)).toBe(true); // replica 2 only: replica 1 is held back
    expect(r.promoted).toBe('replica-2');
    expect(r.confirmedLost).toBe(0);
    expect(r.unconfirmed).toBe(10); // acknowledged by the primary, flagged to the caller
    expect(r.unconfirmedLost).toBe(10);
    // The control: WAIT chose no failover target. Replica 1 lacks every confirmed write, so promoting
    // it instead would have lost them all.
    expect(r.confirmedMissingOnLaggingReplica).toBe(20);
  });
  // #endregion test-wait
});
