import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '../../../src/lab/index.ts';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { ActivityLog, compareIds } from './ActivityLog.ts';
import { OffsetConsumer } from './OffsetConsumer.ts';

const ns = testNamespace('streams_broker');
let redis: Redis;
const readers: Redis[] = [];
const reader = () => {
  const r = new Redis(serviceUrl('redis'));
  readers.push(r);
  return r;
};
beforeAll(() => {
  redis = new Redis(serviceUrl('redis'));
});
afterAll(async () => {
  await deleteRedisKeys(redis, ns);
  await Promise.all([redis, ...readers].map((r) => r.quit()));
});

describe('ActivityLog (a Redis stream)', () => {
  it('keeps history in order, newest-first for feeds, and trims with MAXLEN ~ to about maxLen', async () => {
    const log = new ActivityLog(redis, { key: `${ns}:trim`, maxLen: 100 });
    for (let i = 0; i < 1000; i++) await log.append({ user: 'u1', action: 'view', n: i });
    const length = await log.length();
    // `~` trims whole internal nodes (stream-node-max-entries, 100 by default): never fewer than maxLen.
    expect(length).toBeGreaterThanOrEqual(100);
    expect(length).toBeLessThanOrEqual(200);
    const latest = await log.latest(3);
    expect(latest.map((e) => e.fields.n)).toEqual(['999', '998', '997']);
    const oldest = await log.range('-', '+', 2);
    expect(compareIds(oldest[0]!.id, oldest[1]!.id)).toBe(-1);
    expect(Number(oldest[0]!.fields.n)).toBe(1000 - length);
  });

  it('XREAD BLOCK from $ returns only entries added after it started waiting', async () => {
    const log = new ActivityLog(redis, { key: `${ns}:tail`, maxLen: 1000 });
    await log.append({ n: 'old' });
    const waiting = log.readAfter(reader(), '$', { blockMs: 3_000, count: 10 });
    await new Promise((r) => setTimeout(r, 100));
    await log.append({ n: 'new' });
    expect((await waiting).map((e) => e.fields.n)).toEqual(['new']);
  });

  it('a consumer offline during 50 appends resumes from its saved id: all 50, in order, no duplicates', async () => {
    const log = new ActivityLog(redis, { key: `${ns}:resume`, maxLen: 10_000 });
    const offsetKey = `${ns}:offset:mailer`;
    const seen: string[] = [];
    const handle = (entries: { fields: Record<string, string> }[]) => {
      for (const e of entries) seen.push(e.fields.n as string);
    };
    for (let i = 0; i < 10; i++) await log.append({ n: i });
    const first = new OffsetConsumer(log, redis, reader(), { offsetKey, startFrom: '0', blockMs: 50 });
    await first.catchUp(handle);
    expect(seen).toHaveLength(10);

    for (let i = 10; i < 60; i++) await log.append({ n: i }); // the consumer is down meanwhile

    const restarted = new OffsetConsumer(log, redis, reader(), {
      offsetKey,
      startFrom: '0',
      blockMs: 50,
      count: 7,
    });
    expect(await restarted.catchUp(handle)).toBe(50);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
  });

  it('detects when trimming overtook a consumer that was away longer than the retention', async () => {
    const log = new ActivityLog(redis, { key: `${ns}:gap`, maxLen: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await log.append({ n: i }));
    expect(await log.retentionOvertook(ids[4]!)).toBe(false);
    for (let i = 5; i < 500; i++) await log.append({ n: i });
    expect(await log.retentionOvertook(ids[4]!)).toBe(true); // entries after it were trimmed unread
  });
});
