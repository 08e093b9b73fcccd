import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { defineTransferCommands } from './commands.ts';
import { runTransfers } from './runTransfers.ts';

const db = useRedis('bank-transfer');
const { ns, url } = db;
// Small balances and large amounts: many transfers would overdraw, so the no-negative check is exercised.
const run = {
  url,
  accounts: 10,
  initialBalance: 100,
  transfers: 1_000,
  connections: 20,
  maxAmount: 60,
  thinkMs: 1,
};

describe('1,000 concurrent transfers between 10 accounts (real Redis)', () => {
  for (const strategy of ['lua', 'watch-multi'] as const) {
    it(`${strategy}: the total is preserved and no balance goes negative`, async () => {
      const r = await runTransfers(strategy, { ...run, thinkMs: 0, keyPrefix: `${ns}:${strategy}:` });
      expect(r.finalTotal).toBe(1_000);
      expect(r.drift).toBe(0);
      expect(r.negativeAccounts).toBe(0);
      expect(r.moved).toBeGreaterThan(0);
      expect(r.refused).toBeGreaterThan(0); // overdrafts were attempted and refused
    });
  }

  it('naive: the books no longer balance (the control)', async () => {
    const r = await runTransfers('naive', { ...run, keyPrefix: `${ns}:naive:` });
    expect(r.drift).not.toBe(0);
  });

  it('the script refuses an overdraft and changes nothing', async () => {
    const redis = defineTransferCommands(db.redis);
    await db.redis.mset(`${ns}:a`, 10, `${ns}:b`, 0);
    expect(await redis.transfer(`${ns}:a`, `${ns}:b`, 11)).toBe(-1);
    expect(await db.redis.mget(`${ns}:a`, `${ns}:b`)).toEqual(['10', '0']);
    expect(await redis.transfer(`${ns}:a`, `${ns}:b`, 10)).toBe(0);
    expect(await db.redis.mget(`${ns}:a`, `${ns}:b`)).toEqual(['0', '10']);
  });
});
