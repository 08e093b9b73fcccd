import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../../../src/faults/FaultProxy.ts';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { concurrent, luaBatch, pipelined, sequential, transaction } from './writeModes.ts';

describe('pipelining (real Redis)', () => {
  const db = useRedis('redis-pipelining');
  const { ns } = db;

  // #region order-and-errors-test
  it('returns replies in the order the commands were queued, each with its own error', async () => {
    await db.redis.set(`${ns}:text`, 'not a number');
    const replies = await db.redis
      .pipeline()
      .set(`${ns}:a`, '1')
      .incr(`${ns}:text`) // fails on its own ...
      .incr(`${ns}:a`) // ... and the commands after it still run
      .get(`${ns}:a`)
      .exec();
    expect(replies).toHaveLength(4);
    expect(replies![0]).toEqual([null, 'OK']);
    expect(replies![1]![0]).toBeInstanceOf(Error);
    expect((replies![1]![0] as Error).message).toMatch(/not an integer/);
    expect(replies![2]).toEqual([null, 2]);
    expect(replies![3]).toEqual([null, '2']);
  });
  // #endregion order-and-errors-test

  it('keeps order across 1,000 commands: reply i belongs to command i', async () => {
    const pipeline = db.redis.pipeline();
    for (let i = 0; i < 1_000; i++) pipeline.incrby(`${ns}:order`, i);
    const replies = await pipeline.exec();
    let sum = 0;
    replies!.forEach(([error, value], i) => {
      sum += i;
      expect(error).toBeNull();
      expect(value).toBe(sum);
    });
  });

  it('every write mode writes exactly the same keys and values', async () => {
    const modes = {
      sequential,
      p10: pipelined(10),
      multi: transaction(10),
      lua: luaBatch(10),
      conc: concurrent(10),
    };
    for (const [name, mode] of Object.entries(modes)) {
      const keys = Array.from({ length: 35 }, (_, i) => `${ns}:mode:${name}:${i}`);
      const values = keys.map((_, i) => `v${i}`);
      await mode(db.redis, keys, values);
      expect(await db.redis.mget(...keys), name).toEqual(values);
    }
  });

  describe('through a proxy adding 5 ms each way', () => {
    let proxy: FaultProxy;
    let slow: Redis;
    let slowAuto: Redis;

    beforeAll(async () => {
      const target = new URL(serviceUrl('redis'));
      proxy = await FaultProxy.start({ target: { host: target.hostname, port: Number(target.port) } });
      slow = new Redis(proxy.proxiedUrl(serviceUrl('redis')));
      slowAuto = new Redis(proxy.proxiedUrl(serviceUrl('redis')), { enableAutoPipelining: true });
      await Promise.all([slow.ping(), slowAuto.ping()]);
      proxy.set({ latencyMs: 5 });
    });

    afterAll(async () => {
      // The proxy closes a client as soon as Redis closes its side, even with a delayed reply
      // still queued: drop the latency first so QUIT's reply is not cut off.
      proxy.clear();
      await Promise.all([slow.quit(), slowAuto.quit()]);
      await proxy.close();
    });

    const time = async (work: () => Promise<unknown>) => {
      const start = performance.now();
      await work();
      return performance.now() - start;
    };

    // #region speedup-test
    it('100 commands pipelined finish more than 5× sooner than 100 sequential ones', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => `${ns}:slow:${i}`);
      const values = keys.map(String);
      const sequentialMs = await time(() => sequential(slow, keys, values));
      const pipelinedMs = await time(() => pipelined(100)(slow, keys, values));
      // Sequential pays 100 round trips of >= 10 ms; pipelined pays about one. The bound is loose
      // on purpose: it holds on a loaded machine, where the real ratio is far larger.
      expect(sequentialMs).toBeGreaterThan(100 * 10);
      expect(sequentialMs / pipelinedMs).toBeGreaterThan(5);
    });
    // #endregion speedup-test

    it('enableAutoPipelining batches concurrent commands on its own, replies in order', async () => {
      const keys = Array.from({ length: 100 }, (_, i) => `${ns}:auto:${i}`);
      const elapsed = await time(() => Promise.all(keys.map((k, i) => slowAuto.set(k, String(i)))));
      expect(elapsed).toBeLessThan((100 * 10) / 5); // far below 100 round trips
      expect(await Promise.all(keys.map((k) => slowAuto.get(k)))).toEqual(keys.map((_, i) => String(i)));
    });
  });
});
