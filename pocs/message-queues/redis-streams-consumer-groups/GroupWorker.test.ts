import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { ConsumerProcess } from './ConsumerProcess.ts';
import { GroupWorker, pendingByConsumer } from './GroupWorker.ts';

const db = useRedis('stream_groups');
const { ns, url } = db;

const keys = (name: string) => ({
  stream: `${ns}:${name}:stream`,
  group: 'billing',
  ledgerKey: `${ns}:${name}:ledger`,
  deadLetterKey: `${ns}:${name}:dlq`,
});

describe('consumer group recovery with XAUTOCLAIM', () => {
  it('a SIGKILLed consumer loses nothing: its pending entries are claimed after min-idle and every entry is acked exactly once', async () => {
    const k = keys('kill');
    await GroupWorker.ensureGroup(db.redis, k.stream, k.group);
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push((await db.redis.xadd(k.stream, '*', 'invoice', String(i))) as string);

    const doomed = await ConsumerProcess.start({
      redisUrl: url,
      ...k,
      consumer: 'doomed',
      workMs: 100,
      count: 10,
    });
    await doomed.handledAtLeast(3);
    await doomed.kill(); // mid-work: it holds up to 10 delivered, unacknowledged entries
    const stranded = (await db.redis.xpending(k.stream, k.group, '-', '+', 100, 'doomed')) as [
      string,
      string,
      number,
      number,
    ][];
    expect(stranded.length).toBeGreaterThanOrEqual(1);

    const minIdleMs = 300;
    const survivor = new GroupWorker(db.connect(), {
      ...k,
      consumer: 'survivor',
      minIdleMs,
      maxDeliveries: 5,
      blockMs: 50,
      handler: async () => {},
    });
    // Redis enforces min-idle itself: with a long one, nothing is claimed from the freshly dead consumer.
    const impatient = new GroupWorker(db.connect(), {
      ...k,
      consumer: 'survivor',
      minIdleMs: 60_000,
      maxDeliveries: 5,
      handler: async () => {},
    });
    expect(await impatient.reclaim()).toEqual([]);

    const claimed = new Set<string>();
    const deadline = Date.now() + 8_000;
    while (
      Object.keys(await pendingByConsumer(db.redis, k.stream, k.group)).length > 0 ||
      (await db.redis.hlen(k.ledgerKey)) < 30
    ) {
      if (Date.now() > deadline) throw new Error('the group did not drain');
      for (const id of (await survivor.runOnce()).claimed) claimed.add(id);
    }

    // Every stranded entry was taken over by the survivor.
    for (const [id] of stranded) expect(claimed.has(id), id).toBe(true);
    // No lost entry, none acknowledged twice: the ledger has each id once, with count 1.
    const ledger = await db.redis.hgetall(k.ledgerKey);
    expect(Object.keys(ledger).sort()).toEqual([...ids].sort());
    expect(Object.values(ledger).every((n) => n === '1')).toBe(true);
    expect(await pendingByConsumer(db.redis, k.stream, k.group)).toEqual({});
  });

  it('without reclaiming, the dead consumer’s entries stay pending forever (the failure the fix removes)', async () => {
    const k = keys('noreclaim');
    await GroupWorker.ensureGroup(db.redis, k.stream, k.group);
    for (let i = 0; i < 20; i++) await db.redis.xadd(k.stream, '*', 'invoice', String(i));
    const doomed = await ConsumerProcess.start({
      redisUrl: url,
      ...k,
      consumer: 'doomed',
      workMs: 100,
      count: 10,
    });
    await doomed.handledAtLeast(2);
    await doomed.kill();
    const survivor = new GroupWorker(db.connect(), {
      ...k,
      consumer: 'survivor',
      minIdleMs: 100,
      maxDeliveries: 5,
      blockMs: 20,
      handler: async () => {},
    });
    for (let i = 0; i < 5; i++) await survivor.runOnce({ reclaim: false });
    await new Promise((r) => setTimeout(r, 150));
    await survivor.runOnce({ reclaim: false });
    const pending = await pendingByConsumer(db.redis, k.stream, k.group);
    expect(pending.doomed).toBeGreaterThanOrEqual(1);
    expect(await db.redis.hlen(k.ledgerKey)).toBe(20 - (pending.doomed ?? 0));
  });

  it('a poison entry goes to the dead-letter stream after maxDeliveries, with its delivery count', async () => {
    const k = keys('poison');
    await GroupWorker.ensureGroup(db.redis, k.stream, k.group);
    const poisonId = (await db.redis.xadd(k.stream, '*', 'invoice', 'poison')) as string;
    for (let i = 0; i < 3; i++) await db.redis.xadd(k.stream, '*', 'invoice', String(i));
    const attempts: number[] = [];
    const worker = new GroupWorker(db.connect(), {
      ...k,
      consumer: 'w1',
      minIdleMs: 20,
      maxDeliveries: 3,
      blockMs: 10,
      handler: async (entry) => {
        if (entry.fields.invoice === 'poison') {
          attempts.push(entry.deliveries);
          throw new Error('cannot parse invoice');
        }
      },
    });
    const deadline = Date.now() + 5_000;
    while ((await db.redis.xlen(k.deadLetterKey)) === 0) {
      if (Date.now() > deadline) throw new Error('the poison entry was never dead-lettered');
      await worker.runOnce();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(attempts).toEqual([1, 2, 3]); // handled exactly maxDeliveries times
    const [deadLettered] = (await db.redis.xrange(k.deadLetterKey, '-', '+')) as [string, string[]][];
    const flat = deadLettered?.[1];
    expect(flat).toEqual([
      'original-id',
      poisonId,
      'deliveries',
      '4',
      'last-consumer',
      'w1',
      'invoice',
      'poison',
    ]);
    expect(await pendingByConsumer(db.redis, k.stream, k.group)).toEqual({});
    expect(Object.keys(await db.redis.hgetall(k.ledgerKey))).toHaveLength(3);
  });
});
