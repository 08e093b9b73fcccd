import { Redis } from 'ioredis';
import { type DemoContext, defineDemo, round } from '../../../src/lab/index.ts';
import { skew, writeAndCount } from './distribution.ts';
import { keySlot } from './keySlot.ts';
import { LocalRedisCluster } from './LocalRedisCluster.ts';
import { getFollowingMoved, movedRepliesSent, resetStats } from './redirections.ts';

export default defineDemo({
  async run(ctx) {
    ctx.progress('starting 6 redis-server nodes and forming the cluster');
    const started = performance.now();
    const cluster = await LocalRedisCluster.start({ signal: ctx.signal });
    const startMs = performance.now() - started;
    try {
      ctx.log(`Cluster of 3 primaries + 3 replicas formed and healthy in ${Math.round(startMs)} ms.`);
      ctx.record.figure(
        'cluster-start-ms',
        'Six nodes started, cluster formed and healthy',
        round(startMs, 0),
        'ms',
      );
      await distribution(ctx, cluster);
      await redirections(ctx, cluster);
    } finally {
      await cluster.dispose();
    }
  },
});

// ── 1. Where keys land, and what a hash tag does to that ──────────────────────────────────────────
async function distribution(ctx: DemoContext, cluster: LocalRedisCluster): Promise<void> {
  const n = ctx.quick ? 10_000 : 100_000;
  const ns = ctx.namespace;
  const client = cluster.connect({ enableAutoPipelining: true });
  const scenarios: { name: string; keys: string[] }[] = [
    { name: 'no hash tags', keys: Array.from({ length: n }, (_, i) => `${ns}:plain:user:${i}:cart`) },
    {
      name: '1,000 users, tag {user:i}',
      keys: Array.from({ length: n }, (_, i) => `${ns}:{user:${i % 1_000}}:item:${i}`),
    },
    {
      name: 'one hot tenant, tag {tenant:hot} on half the keys',
      keys: Array.from({ length: n }, (_, i) =>
        i % 2 === 0 ? `${ns}:{tenant:hot}:event:${i}` : `${ns}:{tenant:${i % 500}}:event:${i}`,
      ),
    },
    { name: 'one tag for everything', keys: Array.from({ length: n }, (_, i) => `${ns}:{all}:k:${i}`) },
  ];
  const rows: { scenario: string; primary: string; slots: number; keys: number; share: number }[] = [];
  const skews: { scenario: string; skew: number; busiest: number }[] = [];
  for (const scenario of scenarios) {
    ctx.signal.throwIfAborted();
    ctx.progress(`writing ${n} keys: ${scenario.name}`);
    const shares = await writeAndCount(cluster, client, scenario.keys);
    rows.push(
      ...shares.map((s) => ({
        scenario: scenario.name,
        primary: `127.0.0.1:${s.port}`,
        slots: s.slots,
        keys: s.keys,
        share: round(s.share, 1),
      })),
    );
    skews.push({
      scenario: scenario.name,
      skew: round(skew(shares), 2),
      busiest: round(Math.max(...shares.map((s) => s.share)), 1),
    });
  }
  ctx.log('');
  ctx.log(`${n} keys written through the cluster client, counted with DBSIZE on each primary:`);
  for (const scenario of scenarios) {
    const shares = rows.filter((r) => r.scenario === scenario.name);
    ctx.log(
      `  ${scenario.name.padEnd(50)} ${shares.map((s) => `${String(s.share).padStart(5)}%`).join(' ')}` +
        `   busiest/mean ${skews.find((s) => s.scenario === scenario.name)!.skew}`,
    );
  }
  const even = skews[0]!;
  const hot = skews[2]!;
  ctx.record.figure('keys-written', 'Keys written per scenario', n);
  ctx.record.figure('skew-no-tags', 'Busiest primary / mean, no hash tags', even.skew);
  ctx.record.figure('skew-hot-tag', 'Busiest primary / mean, one hot tag on half the keys', hot.skew);
  ctx.record.figure(
    'busiest-share-hot-tag',
    'Busiest primary, one hot tag on half the keys',
    hot.busiest,
    '%',
  );
  ctx.record.table({
    id: 'distribution',
    title: `Where ${n} keys land: share of keys per primary`,
    columns: [
      { key: 'scenario', label: 'Keys' },
      { key: 'primary', label: 'Primary' },
      { key: 'slots', label: 'Slots served' },
      { key: 'keys', label: 'Keys' },
      { key: 'share', label: 'Share', unit: '%' },
    ],
    rows,
  });
  ctx.record.table({
    id: 'skew',
    title: 'Hash-tag skew: keys on the busiest primary',
    columns: [
      { key: 'scenario', label: 'Keys' },
      { key: 'busiest', label: 'Busiest primary', unit: '%' },
      { key: 'skew', label: 'Busiest / mean' },
    ],
    rows: skews,
    chart: { type: 'bar', x: 'scenario', y: ['busiest'], title: 'Share of keys on the busiest primary' },
  });
}

// ── 2. MOVED: a client that does not know the slot map pays a redirection per misplaced key ──────
async function redirections(ctx: DemoContext, cluster: LocalRedisCluster): Promise<void> {
  const n = ctx.quick ? 1_000 : 10_000;
  const keys = Array.from({ length: n }, (_, i) => `${ctx.namespace}:plain:user:${i}:cart`);
  ctx.progress(`reading ${n} keys with a plain client and with the cluster client`);

  // The plain client: one connection to the seed node, plus one per node a MOVED sends it to.
  const connections = new Map<string, Redis>();
  const connectTo = (address: string) => {
    let client = connections.get(address);
    if (!client) {
      const [host, port] = address.split(':');
      client = new Redis({ host, port: Number(port) });
      connections.set(address, client);
    }
    return client;
  };
  const seed = cluster.nodes[0]!;
  await resetStats(cluster);
  let plainFound = 0;
  try {
    for (const key of keys) if ((await getFollowingMoved(seed.client, connectTo, key)) !== null) plainFound++;
  } finally {
    for (const client of connections.values()) client.disconnect();
  }
  const plainMoved = await movedRepliesSent(cluster);

  // The cluster client loads the slot map (CLUSTER SLOTS) when it connects, then routes each key itself.
  const client = cluster.connect();
  await client.get('warm-up');
  await resetStats(cluster);
  let clusterFound = 0;
  for (const key of keys) if ((await client.get(key)) !== null) clusterFound++;
  const clusterMoved = await movedRepliesSent(cluster);

  const seedView = (await cluster.view()).find((node) => node.id === seed.id)!;
  const elsewhere = keys.filter(
    (key) => !seedView.slots.some(([a, b]) => keySlot(key) >= a && keySlot(key) <= b),
  );
  ctx.log('');
  ctx.log(`GET of ${n} keys, MOVED replies counted on the servers (INFO errorstats):`);
  ctx.log(
    `  plain client, seed node only, follows MOVED   ${plainMoved} MOVED (keys on other nodes: ${elsewhere.length}), ${plainFound}/${n} found`,
  );
  ctx.log(
    `  ioredis Cluster, slot map loaded              ${clusterMoved} MOVED, ${clusterFound}/${n} found`,
  );
  ctx.record.figure('moved-plain', `MOVED replies, plain client, ${n} GETs`, plainMoved);
  ctx.record.figure('keys-read', 'Keys read by each client', n);
  ctx.record.figure('keys-elsewhere', `Keys (of ${n}) whose slot is not on the seed node`, elsewhere.length);
  ctx.record.figure('moved-cluster-client', `MOVED replies, cluster client, ${n} GETs`, clusterMoved);
  ctx.record.table({
    id: 'redirections',
    title: `GET of ${n} keys: MOVED replies counted on the servers`,
    columns: [
      { key: 'client', label: 'Client' },
      { key: 'moved', label: 'MOVED replies' },
      { key: 'found', label: 'Keys found' },
    ],
    rows: [
      { client: 'plain client, seed node only, follows MOVED', moved: plainMoved, found: plainFound },
      { client: 'ioredis Cluster, slot map loaded', moved: clusterMoved, found: clusterFound },
    ],
  });
}
