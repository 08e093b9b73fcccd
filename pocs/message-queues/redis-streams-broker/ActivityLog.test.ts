import { describe, expect, it, vi } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { ActivityLog, compareIds } from './ActivityLog.ts';
import { OffsetConsumer } from './OffsetConsumer.ts';

const db = useRedis('streams_broker');
const { ns } = db;
/** A connection of its own for a blocking read (XREAD BLOCK holds the connection it runs on). */
const reader = () => db.connect();

describe('ActivityLog (a Redis stream)', () => {
  it('keeps history in order, newest-first for feeds, and trims with MAXLEN ~ to about maxLen', async () => {
    const log = new ActivityLog(db.redis, { key: `${ns}:trim`, maxLen: 100 });
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
    const log = new ActivityLog(db.redis, { key: `${ns}:tail`, maxLen: 1000 });
    await log.append({ n: 'old' });
    const connection = reader();
    const clientId = String(await connection.client('ID'));
    const waiting = log.readAfter(connection, '$', { blockMs: 3_000, count: 10 });
    // Append only once Redis shows the reader blocked in XREAD: a fixed sleep races a slow connect.
    await vi.waitFor(
      async () => expect(String(await db.redis.call('CLIENT', 'LIST', 'ID', clientId))).toMatch(/cmd=xread/),
      { timeout: 3_000, interval: 10 },
    );
    await log.append({ n: 'new' });
    expect((await waiting).map((e) => e.fields.n)).toEqual(['new']);
  });

  it('a consumer offline during 50 appends resumes from its saved id: all 50, in order, no duplicates', async () => {
    const log = new ActivityLog(db.redis, { key: `${ns}:resume`, maxLen: 10_000 });
    const offsetKey = `${ns}:offset:mailer`;
    const seen: string[] = [];
    const handle = (entries: { fields: Record<string, string> }[]) => {
      for (const e of entries) seen.push(e.fields.n as string);
    };
    for (let i = 0; i < 10; i++) await log.append({ n: i });
    const first = new OffsetConsumer(log, db.redis, reader(), { offsetKey, startFrom: '0', blockMs: 50 });
    await first.catchUp(handle);
    expect(seen).toHaveLength(10);

    for (let i = 10; i < 60; i++) await log.append({ n: i }); // the consumer is down meanwhile

    const restarted = new OffsetConsumer(log, db.redis, reader(), {
      offsetKey,
      startFrom: '0',
      blockMs: 50,
      count: 7,
    });
    expect(await restarted.catchUp(handle)).toBe(50);
    expect(seen).toEqual(Array.from({ length: 60 }, (_, i) => String(i)));
  });

  it('detects when trimming overtook a consumer that was away longer than the retention', async () => {
    const log = new ActivityLog(db.redis, { key: `${ns}:gap`, maxLen: 10 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await log.append({ n: i }));
    expect(await log.retentionOvertook(ids[4]!)).toBe(false);
    for (let i = 5; i < 500; i++) await log.append({ n: i });
    expect(await log.retentionOvertook(ids[4]!)).toBe(true); // entries after it were trimmed unread
  });
});
