import type { Redis } from 'ioredis';
import { type DemoContext, defineDemo, LatencyRecorder, round } from '../../../src/lab/index.ts';
import { crashUnderLoad } from './crashUnderLoad.ts';
import { failoverWithoutWait, failoverWithWait } from './failoverScenarios.ts';
import { type ReadStrategy, ReadYourWritesSession } from './ReadYourWritesSession.ts';
import { ReplicatedRedis } from './ReplicatedRedis.ts';
import { readThroughput } from './readScaling.ts';
import { visibilityLagMs } from './replicationLag.ts';
import { FAST_SENTINELS, SentinelCluster } from './SentinelCluster.ts';
import { RECONNECT_MS, RETRY_MS, sentinelFailover } from './sentinelFailover.ts';

const LAG_MS = 10;

export default defineDemo({
  async run(ctx) {
    await acknowledgedWritesOnFailover(ctx);
    await readsFromReplicas(ctx);
    await sentinelFailsOver(ctx);
  },
});

// ── 1. Acknowledged writes lost on failover, and what WAIT changes ─────────────────────────────
async function acknowledgedWritesOnFailover(ctx: DemoContext): Promise<void> {
  const ns = ctx.namespace;
  ctx.progress('failover: replication held back');
  const heldBack = await withCluster(ctx, (c) =>
    failoverWithoutWait(c, `${ns}:nowait:`, { synced: 20, heldBack: 30 }),
  );
  const waited = await withCluster(ctx, (c) =>
    failoverWithWait(
      c,
      `${ns}:wait:`,
      { confirmed: 20, unconfirmed: 10 },
      { healthyMs: 5_000, heldBackMs: 50 },
    ),
  );
  ctx.log('Primary + 2 replicas. Writes get OK from the primary while replication is held back; the primary');
  ctx.log('host dies; the most up-to-date replica is promoted (REPLICAOF NO ONE):');
  ctx.log(`  no WAIT:  ${heldBack.acked} acknowledged, ${heldBack.lost} lost after failover`);
  ctx.log(
    `  WAIT 1:   ${waited.acked} acknowledged, ${waited.confirmed} confirmed by WAIT (${waited.confirmedLost} lost), ` +
      `${waited.unconfirmed} reported unconfirmed (${waited.unconfirmedLost} lost); ` +
      `the other replica lacked ${waited.confirmedMissingOnLaggingReplica} confirmed writes`,
  );

  const durationMs = ctx.quick ? 200 : 1_500;
  const writers = 8;
  const wait = { replicas: 1, timeoutMs: 1_000 };
  const runs = [];
  for (const linkLatencyMs of [0, LAG_MS]) {
    for (const withWait of [false, true]) {
      ctx.signal.throwIfAborted();
      ctx.progress(`crash under load: link +${linkLatencyMs} ms, ${withWait ? 'WAIT 1' : 'no WAIT'}`);
      const r = await crashUnderLoad({
        keyPrefix: `${ns}:load:${linkLatencyMs}:${withWait}:`,
        linkLatencyMs,
        durationMs,
        writers,
        wait: withWait ? wait : undefined,
        signal: ctx.signal,
      });
      runs.push({ linkLatencyMs, withWait, ...r });
    }
  }
  ctx.log('');
  ctx.log(`${writers} writers flat out for ${durationMs} ms, then the primary host dies mid-stream:`);
  for (const r of runs)
    ctx.log(
      `  link +${String(r.linkLatencyMs).padStart(2)} ms ${r.withWait ? 'WAIT 1 ' : 'no WAIT'}  ${r.acked} acked, ${r.lost} lost` +
        (r.withWait ? ` (${r.confirmedLost} of ${r.confirmed} confirmed)` : '') +
        `   write p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms`,
    );

  ctx.record.figure(
    'held-back-acked',
    'Acknowledged writes (no WAIT, replication held back)',
    heldBack.acked,
  );
  ctx.record.figure('held-back-lost', 'Acknowledged writes lost after failover (no WAIT)', heldBack.lost);
  ctx.record.figure('wait-confirmed', 'Writes confirmed by WAIT 1', waited.confirmed);
  ctx.record.figure(
    'wait-confirmed-lost',
    'Confirmed writes lost after failover (WAIT 1)',
    waited.confirmedLost,
  );
  ctx.record.figure('wait-unconfirmed', 'Writes WAIT reported as not confirmed', waited.unconfirmed);
  ctx.record.figure(
    'wait-wrong-replica-missing',
    'Confirmed writes missing on the other, lagging replica',
    waited.confirmedMissingOnLaggingReplica,
  );
  ctx.record.table({
    id: 'failover',
    title: 'Acknowledged writes after the primary dies and the most up-to-date replica is promoted',
    columns: [
      { key: 'scenario', label: 'Scenario' },
      { key: 'wait', label: 'After each write' },
      { key: 'acked', label: 'Acknowledged' },
      { key: 'confirmed', label: 'Confirmed by WAIT' },
      { key: 'lost', label: 'Acknowledged and lost' },
      { key: 'confirmedLost', label: 'Confirmed and lost' },
    ],
    rows: [
      {
        scenario: 'replication held back for the last writes',
        wait: 'nothing',
        acked: heldBack.acked,
        confirmed: '—',
        lost: heldBack.lost,
        confirmedLost: '—',
      },
      {
        scenario: 'one replica held back, then both',
        wait: 'WAIT 1',
        acked: waited.acked,
        confirmed: waited.confirmed,
        lost: waited.confirmedLost + waited.unconfirmedLost,
        confirmedLost: waited.confirmedLost,
      },
      ...runs.map((r) => ({
        scenario: `${writers} writers, crash mid-stream, link +${r.linkLatencyMs} ms`,
        wait: r.withWait ? `WAIT 1 (timeout ${wait.timeoutMs} ms)` : 'nothing',
        acked: r.acked,
        confirmed: r.confirmed ?? '—',
        lost: r.lost,
        confirmedLost: r.confirmedLost ?? '—',
      })),
    ],
    chart: { type: 'bar', x: 'scenario', y: ['lost'], title: 'Acknowledged writes lost' },
  });
  ctx.record.table({
    id: 'write-latency',
    title: `Per-write latency before the crash (${writers} writers)`,
    columns: [
      { key: 'link', label: 'Replication link' },
      { key: 'wait', label: 'After each write' },
      { key: 'p50', label: 'p50', unit: 'ms' },
      { key: 'p99', label: 'p99', unit: 'ms' },
    ],
    rows: runs.map((r) => ({
      link: `+${r.linkLatencyMs} ms`,
      wait: r.withWait ? 'WAIT 1' : 'nothing',
      p50: r.latency.p50,
      p99: r.latency.p99,
    })),
    chart: { type: 'bar', x: 'link', y: ['p50', 'p99'], title: 'Write latency (lower is better)' },
  });
  for (const linkLatencyMs of [0, LAG_MS]) {
    const [plain, waiting] = runs.filter((r) => r.linkLatencyMs === linkLatencyMs);
    ctx.record.compare({
      id: `wait-latency-${linkLatencyMs}ms`,
      title: `Write p50 with WAIT 1, replication link +${linkLatencyMs} ms`,
      unit: 'ms',
      better: 'lower',
      baseline: { label: 'SET', value: plain!.latency.p50 },
      candidate: { label: 'SET + WAIT 1', value: waiting!.latency.p50 },
    });
  }
  ctx.record.note(
    'Replicas replicate through a TCP proxy (FaultProxy). "Held back" drops the stream between primary and replica; ' +
      'the primary host dying is modelled by cutting every link and then SIGKILLing the primary, so bytes still in transit are lost.',
  );
}

// ── 2. Reads from replicas: stale reads, lag, and throughput ──────────────────────────────────
async function readsFromReplicas(ctx: DemoContext): Promise<void> {
  const ns = ctx.namespace;
  const cluster = await ReplicatedRedis.start({ replicas: 2, signal: ctx.signal });
  try {
    const [lagging, nearby] = cluster.replicas as [
      (typeof cluster.replicas)[0],
      (typeof cluster.replicas)[0],
    ];
    lagging.link.set({ latencyMs: LAG_MS });
    const replicaLabel = (client: Redis) =>
      client === lagging.client ? `replica 1 (link +${LAG_MS} ms)` : 'replica 2 (no added delay)';
    const iterations = ctx.quick ? 25 : 200;

    ctx.progress('read-your-writes');
    const rows: {
      replica: string;
      strategy: ReadStrategy;
      reads: number;
      stale: number;
      fromReplica: number;
    }[] = [];
    const cases: [Redis, ReadStrategy][] = [
      [nearby.client, 'replica'],
      [lagging.client, 'replica'],
      [lagging.client, 'primary-for-own-writes'],
      [lagging.client, 'wait-all-replicas'],
      [lagging.client, 'offset-token'],
    ];
    for (const [replica, strategy] of cases) {
      ctx.signal.throwIfAborted();
      ctx.progress(`read-your-writes: ${strategy}`);
      const session = new ReadYourWritesSession({
        primary: cluster.primaryClient,
        replica,
        strategy,
        wait: { replicas: 2, timeoutMs: 100 },
      });
      let stale = 0;
      let fromReplica = 0;
      for (let i = 0; i < iterations; i++) {
        const key = `${ns}:ryw:${strategy}:${replica === lagging.client}:${i % 20}`;
        await session.write(key, `v${i}`);
        const read = await session.read(key);
        if (read.value !== `v${i}`) stale++;
        if (read.servedBy === 'replica') fromReplica++;
      }
      rows.push({ replica: replicaLabel(replica), strategy, reads: iterations, stale, fromReplica });
    }
    ctx.log('');
    ctx.log('Write to the primary, read the same key back at once:');
    for (const r of rows)
      ctx.log(
        `  ${r.replica.padEnd(28)} ${r.strategy.padEnd(24)} ${r.stale}/${r.reads} stale, ${r.fromReplica} served by the replica`,
      );

    ctx.progress('replication lag');
    const samples = ctx.quick ? 20 : 200;
    const lagRows = [];
    for (const replica of [nearby, lagging]) {
      const lag = new LatencyRecorder();
      for (let i = 0; i < samples; i++)
        lag.recordMs(
          await visibilityLagMs(cluster.primaryClient, replica.client, `${ns}:probe`, { signal: ctx.signal }),
        );
      lagRows.push({ name: replica.name, replica: replicaLabel(replica.client), ...lag.summary() });
    }
    const behind = await bytesBehindUnderLoad(cluster, `${ns}:burst`, ctx.quick ? 200 : 1_000);
    ctx.log('');
    ctx.log('Time until a write on the primary is readable on the replica (SET, then GET until it shows):');
    for (const r of lagRows) ctx.log(`  ${r.replica.padEnd(28)} p50 ${r.p50} ms  max ${r.max} ms`);
    ctx.log(
      `Under a write burst, largest gap between master_repl_offset and the replica's offset: ` +
        Object.entries(behind)
          .map(([name, bytes]) => `${name} ${bytes} bytes`)
          .join(', '),
    );

    ctx.progress('read throughput');
    const keys = Array.from({ length: 1_000 }, (_, i) => `${ns}:read:${i}`);
    for (let i = 0; i < keys.length; i += 100)
      await cluster.primaryClient.mset(...keys.slice(i, i + 100).flatMap((k) => [k, 'x'.repeat(100)]));
    await cluster.waitUntilInSync(ctx.signal);
    const durationMs = ctx.quick ? 300 : 2_000;
    const load = { keys, concurrency: 48, connectionsPerServer: 4, durationMs, signal: ctx.signal };
    const primaryOnly = await readThroughput({ ...load, urls: [cluster.primary.url] });
    const spread = await readThroughput({
      ...load,
      urls: [cluster.primary.url, ...cluster.replicas.map((r) => r.server.url)],
    });
    ctx.log('');
    ctx.log(
      `GET throughput, ${load.concurrency} concurrent readers: primary only ${Math.round(primaryOnly.opsPerSec)}/s, ` +
        `spread over primary + 2 replicas ${Math.round(spread.opsPerSec)}/s (same machine, same client process)`,
    );

    const naive = rows.find((r) => r.strategy === 'replica' && r.replica.startsWith('replica 1'))!;
    ctx.record.figure(
      'stale-reads-lagging',
      `Stale reads of own writes (replica link +${LAG_MS} ms)`,
      naive.stale,
    );
    ctx.record.figure(
      'stale-reads-nearby',
      'Stale reads of own writes (replica, no added delay)',
      rows[0]!.stale,
    );
    ctx.record.figure(
      'stale-reads-with-fixes',
      'Stale reads with any of the three fixes',
      rows.filter((r) => r.strategy !== 'replica').reduce((s, r) => s + r.stale, 0),
    );
    ctx.record.table({
      id: 'read-your-writes',
      title: `Read-your-writes: write to the primary, read back at once (${iterations} times each)`,
      columns: [
        { key: 'replica', label: 'Replica read from' },
        { key: 'strategy', label: 'Strategy' },
        { key: 'stale', label: 'Stale reads' },
        { key: 'fromReplica', label: 'Served by the replica' },
      ],
      rows,
      chart: {
        type: 'bar',
        x: 'strategy',
        y: ['stale', 'fromReplica'],
        title: 'Stale reads and replica reads',
      },
    });
    ctx.record.table({
      id: 'lag',
      title: 'Replication lag: time until a write is readable on the replica',
      columns: [
        { key: 'replica', label: 'Replica' },
        { key: 'p50', label: 'p50', unit: 'ms' },
        { key: 'p99', label: 'p99', unit: 'ms' },
        { key: 'max', label: 'max', unit: 'ms' },
        { key: 'bytesBehind', label: 'Largest offset gap under a write burst', unit: 'bytes' },
      ],
      rows: lagRows.map((r) => ({
        replica: r.replica,
        p50: r.p50,
        p99: r.p99,
        max: r.max,
        bytesBehind: behind[r.name] ?? 0,
      })),
    });
    ctx.record.compare({
      id: 'read-throughput',
      title: 'GET throughput, reads spread over replicas',
      unit: 'ops/s',
      better: 'higher',
      baseline: { label: 'primary only', value: round(primaryOnly.opsPerSec, 0) },
      candidate: { label: 'primary + 2 replicas', value: round(spread.opsPerSec, 0) },
    });
    ctx.record.note(
      'Throughput is measured with every server and the client on one machine: the client process and the shared cores ' +
        'limit what spreading can gain here; on separate hosts each replica adds its own CPU.',
    );
  } finally {
    await cluster.dispose();
  }
}

/** Largest `master_repl_offset − replica offset` seen while one client writes as fast as it can. */
async function bytesBehindUnderLoad(
  cluster: ReplicatedRedis,
  keyPrefix: string,
  durationMs: number,
): Promise<Record<string, number>> {
  const writer = await cluster.connectPrimary();
  let done = false;
  const writing = (async () => {
    for (let i = 0; !done; i++) {
      const pipeline = writer.pipeline();
      for (let j = 0; j < 50; j++) pipeline.set(`${keyPrefix}:${j}`, `${i}`);
      await pipeline.exec();
    }
  })();
  const worst: Record<string, number> = {};
  const until = performance.now() + durationMs;
  while (performance.now() < until) {
    const { primary, replicas } = await cluster.offsets();
    for (const [name, offset] of Object.entries(replicas))
      worst[name] = Math.max(worst[name] ?? 0, primary - offset);
  }
  done = true;
  await writing;
  return worst;
}

// ── 3. Sentinel does the failover: how long writes stop, what is lost, the old primary rejoins ──
async function sentinelFailsOver(ctx: DemoContext): Promise<void> {
  // Quick mode: one failover at the fastest detection and no rejoin, which waits on Sentinel's 10 s
  // INFO period. The full run adds the rejoin and a slower detection setting for comparison.
  const runs = ctx.quick
    ? [{ downAfterMs: FAST_SENTINELS.downAfterMs, rejoin: false }]
    : [
        { downAfterMs: FAST_SENTINELS.downAfterMs, rejoin: true },
        { downAfterMs: 3 * FAST_SENTINELS.downAfterMs, rejoin: false },
      ];
  const rows = [];
  for (const run of runs) {
    ctx.signal.throwIfAborted();
    ctx.progress(`Sentinel failover: down-after-milliseconds ${run.downAfterMs}`);
    const cluster = await SentinelCluster.start({
      settings: { ...FAST_SENTINELS, downAfterMs: run.downAfterMs },
      signal: ctx.signal,
    });
    try {
      const r = await sentinelFailover(cluster, {
        keyPrefix: `${ctx.namespace}:sentinel:${run.downAfterMs}:`,
        writesBefore: ctx.quick ? 200 : 2_000,
        writesAfter: ctx.quick ? 20 : 200,
        rejoin: run.rejoin,
        signal: ctx.signal,
      });
      rows.push({
        downAfterMs: run.downAfterMs,
        promotionMs: round(r.promotionMs, 0),
        firstWriteMs: round(r.firstWriteMs, 0),
        failedWrites: r.failedWrites,
        acked: r.acked,
        ackedLost: r.ackedLost,
        rejoinMs: r.rejoinMs === null ? '—' : round(r.rejoinMs, 0),
      });
    } finally {
      await cluster.dispose();
    }
  }
  ctx.log('');
  ctx.log(
    'Three Sentinels (quorum 2) watch the primary; one writer SETs through an ioredis client given only the',
  );
  ctx.log(`Sentinels' addresses; the primary is SIGKILLed (writer retries ${RETRY_MS} ms after an error):`);
  for (const r of rows)
    ctx.log(
      `  down-after ${String(r.downAfterMs).padStart(4)} ms: promoted after ${r.promotionMs} ms, first write OK after ` +
        `${r.firstWriteMs} ms, ${r.failedWrites} writes failed, ${r.ackedLost} of ${r.acked} acknowledged lost` +
        (typeof r.rejoinMs === 'number'
          ? `; old primary back as a replica ${r.rejoinMs} ms after its restart`
          : ''),
    );

  const fast = rows[0]!;
  ctx.record.figure(
    'sentinel-promotion-ms',
    'Primary killed → Sentinel names a new primary',
    fast.promotionMs,
    'ms',
  );
  ctx.record.figure(
    'sentinel-first-write-ms',
    'Primary killed → first write OK on the new primary',
    fast.firstWriteMs,
    'ms',
  );
  ctx.record.figure(
    'sentinel-failed-writes',
    'Writes that failed during the Sentinel failover',
    fast.failedWrites,
  );
  ctx.record.figure(
    'sentinel-acked-lost',
    'Acknowledged writes lost in the Sentinel failover',
    fast.ackedLost,
  );
  if (typeof fast.rejoinMs === 'number')
    ctx.record.figure(
      'sentinel-rejoin-ms',
      'Old primary restarted → replica of the new one',
      fast.rejoinMs,
      'ms',
    );
  ctx.record.table({
    id: 'sentinel-failover',
    title: 'Sentinel failover: SIGKILL of the primary, one writer through a Sentinel-aware client',
    columns: [
      { key: 'downAfterMs', label: 'down-after-milliseconds', unit: 'ms' },
      { key: 'promotionMs', label: 'Until a replica is promoted', unit: 'ms' },
      { key: 'firstWriteMs', label: 'Until the first write succeeds', unit: 'ms' },
      { key: 'failedWrites', label: 'Writes failed' },
      { key: 'acked', label: 'Acknowledged' },
      { key: 'ackedLost', label: 'Acknowledged and lost' },
      { key: 'rejoinMs', label: 'Old primary back as a replica', unit: 'ms' },
    ],
    rows,
    chart: {
      type: 'bar',
      x: 'downAfterMs',
      y: ['promotionMs', 'firstWriteMs'],
      title: 'Time without a primary (lower is better)',
    },
  });
  if (rows.length > 1)
    ctx.record.compare({
      id: 'sentinel-down-after',
      title: 'Primary killed → first write OK, by down-after-milliseconds',
      unit: 'ms',
      better: 'lower',
      baseline: { label: `${rows[1]!.downAfterMs} ms`, value: rows[1]!.firstWriteMs },
      candidate: { label: `${fast.downAfterMs} ms`, value: fast.firstWriteMs },
    });
  ctx.record.note(
    `Sentinel run: replicas replicate from the primary directly (no proxy, no added delay); quorum ${FAST_SENTINELS.quorum}, ` +
      `failover-timeout ${FAST_SENTINELS.failoverTimeoutMs} ms; the client has no offline queue, reconnects every ` +
      `${RECONNECT_MS} ms and the writer retries ${RETRY_MS} ms after an error, so "writes failed" counts attempts.`,
  );
}

async function withCluster<T>(ctx: DemoContext, fn: (cluster: ReplicatedRedis) => Promise<T>): Promise<T> {
  const cluster = await ReplicatedRedis.start({ replicas: 2, signal: ctx.signal });
  try {
    return await fn(cluster);
  } finally {
    await cluster.dispose();
  }
}
