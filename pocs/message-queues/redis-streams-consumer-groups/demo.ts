import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { ConsumerProcess } from './ConsumerProcess.ts';
import { GroupWorker, pendingByConsumer } from './GroupWorker.ts';

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const redis = new Redis(url);
    const connections: Redis[] = [redis];
    const connect = () => {
      const c = new Redis(url);
      connections.push(c);
      return c;
    };
    const messages = ctx.quick ? 60 : 400;
    const poison = 2;
    const minIdleMs = ctx.quick ? 200 : 1_000;
    const maxDeliveries = 3;
    const consumers: ConsumerProcess[] = [];

    const scenario = async (label: string, reclaim: boolean) => {
      const k = {
        stream: `${ctx.namespace}:${reclaim ? 'fix' : 'bug'}:invoices`,
        group: 'billing',
        ledgerKey: `${ctx.namespace}:${reclaim ? 'fix' : 'bug'}:ledger`,
        deadLetterKey: `${ctx.namespace}:${reclaim ? 'fix' : 'bug'}:dlq`,
      };
      await GroupWorker.ensureGroup(redis, k.stream, k.group);
      const pipeline = redis.pipeline();
      for (let i = 0; i < messages; i++)
        pipeline.xadd(k.stream, '*', 'invoice', i >= messages - poison ? `poison-${i}` : String(i));
      await pipeline.exec();

      // One consumer in its own process takes a batch of 10 and is SIGKILLed part-way through it.
      const doomed = await ConsumerProcess.start({
        redisUrl: url,
        ...k,
        consumer: 'doomed',
        workMs: 20,
        count: 10,
      });
      consumers.push(doomed);
      await doomed.handledAtLeast(3);
      await doomed.kill();
      const killedAt = performance.now();
      const stranded = (await pendingByConsumer(redis, k.stream, k.group)).doomed ?? 0;

      const claimed = new Set<string>();
      let redeliveries = 0;
      const survivors = ['s1', 's2'].map(
        (consumer) =>
          new GroupWorker(connect(), {
            ...k,
            consumer,
            minIdleMs,
            maxDeliveries,
            blockMs: 20,
            handler: async (entry) => {
              if (entry.deliveries > 1) redeliveries++;
              if (entry.fields.invoice?.startsWith('poison')) throw new Error('unparseable invoice');
            },
          }),
      );
      // Survivors work until every entry is acknowledged or dead-lettered, or a time budget runs out.
      const budgetMs = minIdleMs * (maxDeliveries + 3) + 3_000;
      let drainedAt: number | null = null;
      while (performance.now() - killedAt < budgetMs && !ctx.signal.aborted) {
        const reports = await Promise.all(survivors.map((s) => s.runOnce({ reclaim })));
        for (const r of reports) for (const id of r.claimed) claimed.add(id);
        const acked = await redis.hlen(k.ledgerKey);
        const dead = await redis.xlen(k.deadLetterKey);
        if (acked + dead === messages) {
          drainedAt = performance.now();
          break;
        }
        if (!reclaim && reports.every((r) => r.read === 0)) {
          // Nothing new to read: without XAUTOCLAIM nobody will ever touch what is still pending.
          await new Promise((r) => setTimeout(r, minIdleMs));
          if ((await Promise.all(survivors.map((s) => s.runOnce({ reclaim })))).every((r) => r.read === 0))
            break;
        }
      }
      const ledger = Object.values(await redis.hgetall(k.ledgerKey)).map(Number);
      const pending = await pendingByConsumer(redis, k.stream, k.group);
      const row = {
        scenario: label,
        messages,
        ackedOnce: ledger.filter((n) => n === 1).length,
        ackedTwice: ledger.filter((n) => n > 1).length,
        strandedAtKill: stranded,
        claimed: claimed.size,
        redeliveries,
        stillPending: Object.values(pending).reduce((a, b) => a + b, 0),
        deadLettered: await redis.xlen(k.deadLetterKey),
        recoveryMs: drainedAt === null ? null : Math.round(drainedAt - killedAt),
      };
      ctx.log(
        `  ${label}: ${row.ackedOnce}/${messages} acked once, ${row.stillPending} still pending, ` +
          `${row.claimed} claimed, ${row.deadLettered} dead-lettered${row.recoveryMs === null ? '' : `, drained ${row.recoveryMs} ms after the kill`}`,
      );
      return row;
    };

    try {
      ctx.log(`${messages} invoices (${poison} of them unparseable) in a stream; group "billing".`);
      ctx.log(
        `A consumer process takes 10, is SIGKILLed mid-batch; two survivors carry on. min-idle ${minIdleMs} ms, max deliveries ${maxDeliveries}.`,
      );
      ctx.progress('without XAUTOCLAIM');
      const bug = await scenario('survivors read new entries only (XREADGROUP >)', false);
      ctx.progress('with XAUTOCLAIM');
      const fix = await scenario('survivors also XAUTOCLAIM idle entries + dead-letter', true);
      ctx.record.table({
        id: 'recovery',
        title: `A consumer is SIGKILLed holding unacknowledged entries (${messages} entries, ${poison} poison)`,
        columns: [
          { key: 'scenario', label: 'Survivors' },
          { key: 'messages', label: 'Entries' },
          { key: 'ackedOnce', label: 'Acked exactly once' },
          { key: 'ackedTwice', label: 'Acked twice or more' },
          { key: 'strandedAtKill', label: 'Pending with the killed consumer' },
          { key: 'claimed', label: 'Claimed by survivors' },
          { key: 'redeliveries', label: 'Redelivered handler calls' },
          { key: 'stillPending', label: 'Still pending at the end' },
          { key: 'deadLettered', label: 'Dead-lettered' },
          { key: 'recoveryMs', label: 'Drained after the kill', unit: 'ms' },
        ],
        rows: [bug, fix],
      });
      ctx.record.figure('min-idle-ms', 'XAUTOCLAIM min-idle-time', minIdleMs, 'ms');
      ctx.record.figure(
        'stranded-without-claim',
        'Entries stuck pending without XAUTOCLAIM',
        bug.stillPending,
      );
      ctx.record.figure('stranded-with-claim', 'Entries stuck pending with XAUTOCLAIM', fix.stillPending);
      ctx.record.figure(
        'lost-with-claim',
        'Entries neither acked nor dead-lettered with XAUTOCLAIM',
        messages - fix.ackedOnce - fix.ackedTwice - fix.deadLettered,
      );
      ctx.record.figure('acked-twice-with-claim', 'Entries acknowledged more than once', fix.ackedTwice);
      ctx.record.figure('dead-lettered', 'Poison entries moved to the dead-letter stream', fix.deadLettered);
      ctx.record.figure('recovery-ms', 'Kill to fully drained, with XAUTOCLAIM', fix.recoveryMs ?? -1, 'ms');
      ctx.record.note(
        'Delivery is at-least-once: a claimed entry may already have had its side effects before the kill. Make the handler idempotent ' +
          '(or record the effect and the XACK atomically, as ackAndRecord-2.lua does) and choose min-idle-time longer than the slowest normal handling.',
      );
    } finally {
      await Promise.all(consumers.map((c) => c.kill()));
      await deleteRedisKeys(redis, ctx.namespace);
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
