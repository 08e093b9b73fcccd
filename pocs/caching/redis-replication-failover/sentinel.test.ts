import { afterEach, describe, expect, it } from 'vitest';
import { testNamespace } from '../../../src/testing/services.ts';
import { missingOn } from './ackedWrites.ts';
import { replicationInfo } from './replicationInfo.ts';
import { SentinelCluster } from './SentinelCluster.ts';
import { sentinelFailover } from './sentinelFailover.ts';

// Start-up waits for Sentinel's discovery (hello messages every 2 s), the failover for
// down-after-milliseconds plus an election, the rejoin for Sentinel's periodic INFO refresh: every wait
// polls a server state with a deadline far above those, and nothing here asserts how long it took.
const PER_TEST_MS = 150_000;

describe('Sentinel failover (own primary + 2 replicas + 3 Sentinels, quorum 2)', () => {
  let cluster: SentinelCluster | undefined;
  afterEach(async () => {
    await cluster?.dispose();
    cluster = undefined;
  });

  // #region test-promotion
  it(
    'after SIGKILL of the primary, Sentinel promotes a replica and the Sentinel-aware client writes to it',
    async () => {
      cluster = await SentinelCluster.start();
      const [oldPrimary, ...replicas] = cluster.servers;
      const r = await sentinelFailover(cluster, {
        keyPrefix: `${testNamespace('sentinel-promote')}:`,
        writesBefore: 50,
        writesAfter: 20,
        rejoin: false,
      });
      expect(replicas).toContain(r.promoted);
      expect(r.promoted).not.toBe(oldPrimary);
      expect((await cluster.query(r.promoted, replicationInfo)).role).toBe('master');
      // The client found the new primary through the Sentinels: every write it sent after the crash
      // and got OK for is on the promoted replica.
      expect(r.ackedAfterFailover).toBeGreaterThanOrEqual(20);
      expect(r.ackedAfterFailoverMissing).toBe(0);
      // The control: between the crash and the promotion there was no primary, and the same client's
      // writes failed (ioredis's offline queue is off, so none was silently held back).
      expect(r.failedWrites).toBeGreaterThan(0);
      // Sentinel also re-pointed the other replica at the new primary.
      const other = replicas.find((s) => s !== r.promoted)!;
      await cluster.waitUntilReplicaOf(other, r.promoted);
    },
    PER_TEST_MS,
  );
  // #endregion test-promotion

  // #region test-rejoin
  it(
    'the restarted old primary is made a replica of the promoted one and gets its data',
    async () => {
      cluster = await SentinelCluster.start();
      const oldPrimary = cluster.initialPrimary;
      const r = await sentinelFailover(cluster, {
        keyPrefix: `${testNamespace('sentinel-rejoin')}:`,
        writesBefore: 50,
        writesAfter: 20,
        rejoin: true, // restart on the same port, then wait for role:slave with master_port = promoted
      });
      expect(r.rejoinMs).not.toBeNull();
      const info = await cluster.query(oldPrimary, replicationInfo);
      expect(info.role).toBe('slave');
      expect(Number(info.master_port)).toBe(r.promoted.port);
      // It came back empty (no persistence) and now holds what was written after the failover.
      expect(await cluster.query(oldPrimary, (c) => missingOn(c, r.afterFailover))).toEqual([]);
    },
    PER_TEST_MS,
  );
  // #endregion test-rejoin
});
