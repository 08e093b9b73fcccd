import { Redis } from 'ioredis';
import { defineDemo, LatencyRecorder } from '../../../src/lab/index.ts';
import { NotificationListener, publishNotification } from './Notifications.ts';

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const users = ctx.quick ? 20 : 200;
    const rounds = ctx.quick ? 5 : 20;
    const publisher = new Redis(url);
    const latency = new LatencyRecorder();
    const received = new Map<string, number>(); // userId -> notifications received
    const onNotification = (n: { userId: string; sentAt: number }) => {
      latency.recordMs(performance.timeOrigin + performance.now() - n.sentAt);
      received.set(n.userId, (received.get(n.userId) ?? 0) + 1);
    };
    // Two app servers, each holding the live connections of half the users.
    const userIds = Array.from({ length: users }, (_, i) => `u${i}`);
    const onServerA = userIds.filter((_, i) => i % 2 === 0);
    const onServerB = userIds.filter((_, i) => i % 2 === 1);
    const listen = async (ids: string[]) => {
      const l = await new NotificationListener({ url, namespace: ctx.namespace, onNotification }).connect();
      for (const id of ids) await l.addUser(id);
      return l;
    };
    const settle = async (expected: number) => {
      const deadline = Date.now() + 5_000;
      while (latency.count < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    };
    const publishRound = async (tag: string) => {
      const counts = await Promise.all(
        userIds.map((userId) =>
          publishNotification(publisher, ctx.namespace, {
            id: `${tag}:${userId}`,
            userId,
            kind: 'mention',
            text: tag,
          }),
        ),
      );
      return new Map(userIds.map((id, i) => [id, counts[i] as number]));
    };

    const listeners: NotificationListener[] = [];
    try {
      const serverA = await listen(onServerA);
      let serverB = await listen(onServerB);
      listeners.push(serverA, serverB);

      ctx.log(
        `${users} users on 2 app servers (one subscriber connection each, one channel per user). ${rounds} rounds of one notification per user.`,
      );
      ctx.progress('steady state');
      for (let r = 0; r < rounds; r++) await publishRound(`steady-${r}`);
      await settle(users * rounds);
      const steady = latency.summary();
      ctx.log(
        `Steady state: ${steady.count} delivered of ${users * rounds}, latency p50 ${steady.p50} ms, p99 ${steady.p99} ms`,
      );

      // ---- App server B restarts: its subscriber connection is gone for one round ----
      ctx.progress('server B offline');
      received.clear();
      await serverB.close();
      const duringRestart = await publishRound('restart');
      serverB = await listen(onServerB);
      listeners.push(serverB);
      await publishRound('after');
      const before = latency.count;
      await settle(before); // flush
      await new Promise((r) => setTimeout(r, 200)); // nothing more can arrive: pub/sub has no backlog

      const row = (server: string, ids: string[]) => {
        const got = ids.reduce((sum, id) => sum + (received.get(id) ?? 0), 0);
        const published = ids.length * 2;
        return {
          server,
          users: ids.length,
          published,
          delivered: got,
          missed: published - got,
          zeroReceiverPublishes: ids.filter((id) => duringRestart.get(id) === 0).length,
        };
      };
      const rows = [row('A (stayed up)', onServerA), row('B (restarted during the first round)', onServerB)];
      for (const r of rows)
        ctx.log(
          `  server ${r.server}: ${r.delivered}/${r.published} delivered, ${r.missed} missed; PUBLISH returned 0 for ${r.zeroReceiverPublishes} of its users`,
        );
      ctx.record.table({
        id: 'offline-window',
        title: 'Two rounds of notifications while app server B restarts during the first',
        columns: [
          { key: 'server', label: 'App server' },
          { key: 'users', label: 'Users' },
          { key: 'published', label: 'Published' },
          { key: 'delivered', label: 'Delivered' },
          { key: 'missed', label: 'Missed (lost for good)' },
          { key: 'zeroReceiverPublishes', label: 'PUBLISH returned 0' },
        ],
        rows,
        chart: { type: 'bar', x: 'server', y: ['delivered', 'missed'] },
      });
      ctx.record.figure('users', 'Users (one channel each)', users);
      ctx.record.figure('delivery-p50', 'Publish-to-handler latency p50', steady.p50, 'ms');
      ctx.record.figure('delivery-p99', 'Publish-to-handler latency p99', steady.p99, 'ms');
      ctx.record.figure(
        'steady-delivered-pct',
        'Delivered while everyone was connected',
        Math.round((steady.count / (users * rounds)) * 1000) / 10,
        '%',
      );
      ctx.record.figure(
        'missed-while-offline',
        'Notifications lost while server B restarted',
        rows[1]?.missed ?? 0,
      );
      ctx.record.figure(
        'zero-receiver-publishes',
        'PUBLISH calls that reported 0 receivers',
        rows[1]?.zeroReceiverPublishes ?? 0,
      );
      ctx.record.note(
        'Pub/sub is at-most-once: Redis hands a message to the subscribers connected at that instant and keeps nothing. ' +
          'Use the PUBLISH reply (0 = nobody got it) to fall back to a stored inbox, or use a stream when every message must arrive.',
      );
    } finally {
      await Promise.all(listeners.map((l) => l.close()));
      await publisher.quit();
    }
  },
});
