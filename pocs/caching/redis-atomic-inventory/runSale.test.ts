import type { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { defineInventoryCommands } from './commands.ts';
import { runSale } from './runSale.ts';

const db = useRedis('atomic-inventory');
const { ns, url } = db;
const sale = { url, stock: 100, buyers: 500, connections: 50, thinkMs: 1 };

beforeAll(() => {
  defineInventoryCommands(db.redis);
});

describe('500 concurrent buyers, 100 items (real Redis)', () => {
  for (const strategy of ['lua', 'watch-multi'] as const) {
    it(`${strategy}: exactly 100 sold, 400 refused, stock never below 0`, async () => {
      // No think time here: WATCH's correctness does not depend on it and its retries would slow the test.
      const result = await runSale(strategy, { ...sale, thinkMs: 0, key: `${ns}:${strategy}` });
      expect(result.sold).toBe(100);
      expect(result.refused).toBe(400);
      expect(result.oversold).toBe(0);
      expect(result.finalStock).toBe(0);
      expect(result.lowestStockSeen).toBe(0);
    });
  }

  it('decr-compensate: never oversells, but the stock is visibly negative in between', async () => {
    const result = await runSale('decr-compensate', { ...sale, key: `${ns}:decr` });
    expect(result.sold).toBe(100);
    expect(result.refused).toBe(400);
    expect(result.finalStock).toBe(0);
    // 400 refused buyers each took the counter below 0 before giving the unit back.
    expect(result.lowestStockSeen).toBeLessThan(0);
  });

  it('the naive GET-then-DECR oversells (the control that makes the tests above meaningful)', async () => {
    // 30 connections, 10 ms between read and write: buyers move in near-lockstep rounds of 30, and 100 is
    // not a multiple of 30, so the round that finds 10 left sells 30. (With 50 connections two whole
    // rounds could empty the stock exactly, and a loaded CI box did just that.)
    const result = await runSale('naive', { ...sale, connections: 30, thinkMs: 10, key: `${ns}:naive` });
    expect(result.sold).toBeGreaterThan(100);
    expect(result.oversold).toBe(result.sold - 100);
    expect(result.finalStock).toBeLessThan(0);
  });

  it('the Lua script refuses a quantity larger than the stock and changes nothing', async () => {
    const key = `${ns}:partial`;
    await db.redis.set(key, 3);
    const redis = db.redis as Redis & { reserveStock(key: string, quantity: number): Promise<number> };
    expect(await redis.reserveStock(key, 5)).toBe(-1);
    expect(await db.redis.get(key)).toBe('3');
    expect(await redis.reserveStock(key, 3)).toBe(0);
    expect(await redis.reserveStock(`${ns}:missing`, 1)).toBe(-1); // no key = nothing in stock
  });
});
