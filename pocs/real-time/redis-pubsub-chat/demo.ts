import { Redis } from 'ioredis';
import {
  type DemoContext,
  defineDemo,
  EphemeralServer,
  LatencyRecorder,
  round,
  SERVICES,
} from '../../../src/lab/index.ts';
import { ChatServer } from './ChatServer.ts';
import { RecordingClient } from './RecordingClient.ts';
import { floodAndWatch, StalledSubscriber, setPubsubBufferLimit } from './StalledSubscriber.ts';

const ROOMS = 10;
const KiB = 1024;

/** N app servers × M clients, ROOMS rooms spread over every server, senders on every server. */
async function measureFanOut(ctx: DemoContext, servers: number, clientsPerServer: number, messages: number) {
  const url = ctx.service('redis').url;
  const namespace = `${ctx.namespace}:${servers}x${clientsPerServer}`;
  const latency = new LatencyRecorder();
  let lastDelivery = 0;
  const onDeliver = (m: { sentAt: number }) => {
    lastDelivery = performance.timeOrigin + performance.now();
    latency.recordMs(lastDelivery - m.sentAt);
  };
  const chat: ChatServer[] = [];
  try {
    const clients: RecordingClient[] = [];
    const senders: { server: ChatServer; client: RecordingClient; room: string }[] = [];
    for (let s = 0; s < servers; s++) {
      const server = await new ChatServer({ url, namespace, name: `app-${s}` }).connect();
      chat.push(server);
      for (let c = 0; c < clientsPerServer; c++) {
        const client = new RecordingClient(`s${s}c${c}`, { keep: false, onDeliver });
        const room = `room-${c % ROOMS}`;
        await server.join(client, room);
        clients.push(client);
        if (c < ROOMS) senders.push({ server, client, room }); // one sender per room on every server
      }
    }
    const perSender = Math.max(1, Math.round(messages / senders.length));
    const published = perSender * senders.length;
    const membersPerRoom = (clientsPerServer / ROOMS) * servers;
    const expected = published * membersPerRoom;

    const start = performance.timeOrigin + performance.now();
    // Every sender publishes its messages one after the other; all senders at the same time.
    await Promise.all(
      senders.map(async ({ server, client, room }) => {
        for (let i = 0; i < perSender; i++) await server.publish(client, room, `message ${i + 1}`);
      }),
    );
    const deadline = Date.now() + 10_000;
    while (latency.count < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 100)); // room for duplicates to show up, if there were any

    const received = clients.reduce((sum, c) => sum + c.received, 0);
    const summary = latency.summary();
    const seconds = (lastDelivery - start) / 1000;
    return {
      setup: `${servers} × ${clientsPerServer}`,
      servers,
      clientsPerServer,
      published,
      redisSends: published * servers,
      deliveries: received,
      missing: Math.max(0, expected - received),
      outOfOrder: clients.reduce((sum, c) => sum + c.outOfOrder, 0),
      p50: summary.p50,
      p99: summary.p99,
      deliveriesPerSec: Math.round(received / seconds),
    };
  } finally {
    await Promise.all(chat.map((s) => s.close()));
  }
}

export default defineDemo({
  async run(ctx) {
    // ── 1. Fan-out across app servers ─────────────────────────────────────────────────────────
    const totalClients = ctx.quick ? 80 : 1000;
    const messages = ctx.quick ? 40 : 400;
    const setups = ctx.quick ? [1, 2] : [1, 2, 4];
    ctx.log(
      `${totalClients} chat clients in ${ROOMS} rooms, spread over 1, 2${ctx.quick ? '' : ' and 4'} app servers (one Redis subscriber each, one channel per room); ${messages} messages per setup.`,
    );
    const rows = [];
    for (const servers of setups) {
      ctx.progress(`fan-out ${servers} server(s)`);
      rows.push(await measureFanOut(ctx, servers, totalClients / servers, messages));
    }
    for (const r of rows)
      ctx.log(
        `  ${r.setup}: ${r.deliveries} deliveries (${r.missing} missing, ${r.outOfOrder} out of order), p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.deliveriesPerSec} deliveries/s`,
      );
    ctx.record.table({
      id: 'fan-out',
      title: `Fan-out of chat messages: app servers × clients per server (${totalClients} clients, ${ROOMS} rooms)`,
      columns: [
        { key: 'setup', label: 'Servers × clients' },
        { key: 'published', label: 'Messages published' },
        { key: 'redisSends', label: 'Copies Redis sent (one per server)' },
        { key: 'deliveries', label: 'Deliveries to clients' },
        { key: 'missing', label: 'Missing' },
        { key: 'outOfOrder', label: 'Duplicated or out of order' },
        { key: 'p50', label: 'Publish → client p50', unit: 'ms' },
        { key: 'p99', label: 'Publish → client p99', unit: 'ms' },
        { key: 'deliveriesPerSec', label: 'Deliveries/s', unit: '/s' },
      ],
      rows,
      chart: { type: 'bar', x: 'setup', y: ['p50', 'p99'] },
    });
    const widest = rows.at(-1)!;
    ctx.record.figure('fanout-setup', 'Widest setup (servers × clients per server)', widest.setup);
    ctx.record.figure('fanout-p50', `Publish → client latency p50, ${widest.setup}`, widest.p50, 'ms');
    ctx.record.figure('fanout-p99', `Publish → client latency p99, ${widest.setup}`, widest.p99, 'ms');
    ctx.record.figure(
      'fanout-deliveries-per-sec',
      `Deliveries per second, ${widest.setup}`,
      widest.deliveriesPerSec,
      '/s',
    );
    ctx.record.figure(
      'fanout-missing',
      'Deliveries missing, all setups',
      rows.reduce((s, r) => s + r.missing, 0),
    );
    ctx.record.figure(
      'fanout-out-of-order',
      'Deliveries duplicated or out of order, all setups',
      rows.reduce((s, r) => s + r.outOfOrder, 0),
    );

    // ── 2. A subscriber that stops reading ────────────────────────────────────────────────────
    // CONFIG SET client-output-buffer-limit is server-wide: never on a shared Redis. Start our own.
    const reason = EphemeralServer.unavailableReason(SERVICES.redis);
    if (reason !== null) {
      ctx.log(`Skipping the slow-subscriber part: it needs a Redis of its own (${reason}).`);
      return;
    }
    ctx.progress('slow subscriber');
    const server = await EphemeralServer.start(SERVICES.redis, { signal: ctx.signal });
    const admin = new Redis(server.url);
    const healthy = new Redis(server.url);
    const limitBytes = 1024 * KiB;
    const maxMessages = 16_000; // a cap: the limited run stops when Redis closes the connection
    const samples = new Map<number, { limited?: number | null; unlimited?: number | null }>();
    const sampleEvery = 256; // KiB published between two table rows
    const sampler =
      (which: 'limited' | 'unlimited', lastMessage = Number.POSITIVE_INFINITY) =>
      (s: { published: number; publishedBytes: number; buffers: { omem: number } | null }) => {
        const kib = Math.round(s.publishedBytes / KiB);
        if (kib % sampleEvery !== 0 && s.buffers !== null && s.published !== lastMessage && !samples.has(kib))
          return;
        const row = samples.get(kib) ?? {};
        row[which] = s.buffers ? round(s.buffers.omem / KiB, 1) : null;
        samples.set(kib, row);
      };
    try {
      let healthyReceived = 0;
      healthy.on('message', () => healthyReceived++);
      await healthy.subscribe('room:limited');

      // With the limit: the stalled subscriber's buffer grows to the limit, then Redis closes it.
      await setPubsubBufferLimit(admin, { hardBytes: limitBytes, softBytes: 0, softSeconds: 0 });
      const stuck = await StalledSubscriber.connect({
        url: server.url,
        channel: 'room:limited',
        name: 'stuck',
      });
      const limited = await floodAndWatch(admin, {
        channel: 'room:limited',
        watch: 'stuck',
        maxMessages,
        messageBytes: 1024,
        batch: 64,
        onSample: sampler('limited'),
      });
      const drained = await stuck.resumeAndDrain();
      stuck.close();
      const deadline = Date.now() + 3_000;
      while (healthyReceived < limited.published && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));

      // Without it (0 = unlimited, the default for normal clients): Redis holds whatever it cannot send.
      await setPubsubBufferLimit(admin, { hardBytes: 0, softBytes: 0, softSeconds: 0 });
      const hog = await StalledSubscriber.connect({
        url: server.url,
        channel: 'room:unlimited',
        name: 'hog',
      });
      // Published 4 MiB further than the limited run, to show where the memory would keep going.
      const unlimitedMessages = limited.published + 4096;
      const unlimited = await floodAndWatch(admin, {
        channel: 'room:unlimited',
        watch: 'hog',
        maxMessages: unlimitedMessages,
        messageBytes: 1024,
        batch: 64,
        onSample: sampler('unlimited', unlimitedMessages),
      });
      hog.close();

      const disconnectedKiB = Math.round(
        ((limited.disconnectedAfter ?? Number.POSITIVE_INFINITY) * 1024) / KiB,
      );
      const slowRows = [...samples.entries()]
        .sort(([a], [b]) => a - b)
        .map(([publishedKiB, r]) => ({
          publishedKiB,
          limitedOmemKiB: r.limited ?? null,
          limitedState: r.limited === null || publishedKiB >= disconnectedKiB ? 'disconnected' : 'connected',
          unlimitedOmemKiB: r.unlimited ?? null,
        }));
      ctx.record.table({
        id: 'slow-subscriber',
        title: `A subscriber that stops reading: its output buffer on Redis (omem) with client-output-buffer-limit pubsub ${limitBytes / KiB} KiB hard, and with no limit`,
        columns: [
          { key: 'publishedKiB', label: 'Published to its channel', unit: 'KiB' },
          { key: 'limitedOmemKiB', label: 'omem, limit set', unit: 'KiB' },
          { key: 'limitedState', label: 'Connection (limit set)' },
          { key: 'unlimitedOmemKiB', label: 'omem, no limit', unit: 'KiB' },
        ],
        rows: slowRows,
        chart: { type: 'line', x: 'publishedKiB', y: ['limitedOmemKiB', 'unlimitedOmemKiB'] },
      });
      const lost = limited.published - drained.payloads.length;
      ctx.log(
        `Stalled subscriber, limit ${limitBytes / KiB} KiB: omem peaked at ${round(limited.maxOmem / KiB, 1)} KiB, disconnected after ${limited.disconnectedAfter} messages; it had received ${drained.payloads.length} (kernel buffers), ${lost} lost for good. Healthy subscriber: ${healthyReceived}/${limited.published}.`,
      );
      ctx.log(
        `Same flood (and 4 MiB more) with no limit: omem reached ${round(unlimited.maxOmem / KiB, 1)} KiB and the connection stayed open.`,
      );
      ctx.record.figure(
        'buffer-limit-kib',
        'client-output-buffer-limit pubsub (hard)',
        limitBytes / KiB,
        'KiB',
      );
      ctx.record.figure(
        'slow-peak-omem-kib',
        'Stalled subscriber omem before disconnect',
        round(limited.maxOmem / KiB, 1),
        'KiB',
      );
      ctx.record.figure(
        'slow-disconnected-after',
        'Messages published before Redis closed the stalled subscriber',
        limited.disconnectedAfter ?? -1,
      );
      ctx.record.figure(
        'slow-received',
        'Messages the stalled subscriber ever received',
        drained.payloads.length,
      );
      ctx.record.figure('slow-lost', 'Messages the stalled subscriber lost for good', lost);
      ctx.record.figure(
        'healthy-received-pct',
        'Healthy subscriber on the same channel: received',
        round((healthyReceived / limited.published) * 100, 1),
        '%',
      );
      ctx.record.figure(
        'unlimited-peak-omem-kib',
        'Stalled subscriber omem with no limit',
        round(unlimited.maxOmem / KiB, 1),
        'KiB',
      );
      ctx.record.compare({
        id: 'stalled-subscriber-memory',
        title: 'Peak memory Redis holds for one subscriber that stopped reading',
        unit: 'KiB',
        better: 'lower',
        baseline: { label: 'no pubsub limit', value: round(unlimited.maxOmem / KiB, 1) },
        candidate: {
          label: `pubsub hard limit ${limitBytes / KiB} KiB`,
          value: round(limited.maxOmem / KiB, 1),
        },
      });
      ctx.record.note(
        'The first megabytes a stalled subscriber does not read sit in the kernel socket buffers (omem stays 0), then in Redis memory. ' +
          'The pubsub output buffer limit caps that memory by closing the connection: pub/sub stays at-most-once, and what was not delivered is gone.',
      );
    } finally {
      await Promise.all([admin.quit().catch(() => {}), healthy.quit().catch(() => {})]);
      await server.dispose();
    }
  },
});
