import { describe, expect, it, vi } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { HoldNotConfirmedError } from './HoldNotConfirmedError.ts';
import { InventoryReservations } from './InventoryReservations.ts';
import { naiveReserve } from './naiveReserve.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('InventoryReservations (real Redis)', () => {
  const db = useRedis('redis-lua-inventory-reservation', { connections: 4 });
  const { ns } = db;
  const inventory = (extra: { holdTtlMs?: number; maxReclaimPerCall?: number } = {}) =>
    new InventoryReservations({ redis: db.redis, keyPrefix: `${ns}:`, ...extra });

  // #region no-oversell-test
  it('300 concurrent reservations for 100 items over 4 connections: exactly 100 holds, never oversold', async () => {
    const inventories = db.clients.map((c) => new InventoryReservations({ redis: c, keyPrefix: `${ns}:` }));
    await inventories[0]!.setStock('sku-race', 100);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => inventories[i % 4]!.reserve('sku-race', 1)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'OUT_OF_STOCK')).toBe(true);
    expect(await inventories[0]!.snapshot('sku-race')).toEqual({
      available: 0,
      held: 100,
      sold: 0,
      activeHolds: 100,
    });
  });
  // #endregion no-oversell-test

  it('the same check-then-decrement in two round trips oversells', async () => {
    const key = `${ns}:naive-stock`;
    await db.redis.set(key, 100);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) => naiveReserve(db.clients[i % 4]!, key, 1)),
    );
    expect(results.filter(Boolean).length).toBeGreaterThan(100);
    expect(Number(await db.redis.get(key))).toBeLessThan(0);
  });

  it('confirms a live hold: its units become sold, and a second confirm is refused as a duplicate', async () => {
    const inv = inventory();
    await inv.setStock('sku-ok', 10);
    const hold = await inv.reserve('sku-ok', 3);
    if (!hold.ok) throw new Error('expected a hold');
    expect(await inv.confirm('sku-ok', hold.holdId)).toBe(3);
    expect(await inv.snapshot('sku-ok')).toEqual({ available: 7, held: 0, sold: 3, activeHolds: 0 });
    await expect(inv.confirm('sku-ok', hold.holdId)).rejects.toMatchObject({ reason: 'ALREADY_CONFIRMED' });
  });

  // #region expiry-test
  it("an expired hold's stock becomes available again, reclaimed inside reserve (no sweeper running)", async () => {
    const inv = inventory();
    await inv.setStock('sku-exp', 5);
    expect((await inv.reserve('sku-exp', 5, { ttlMs: 400 })).ok).toBe(true);
    expect(await inv.reserve('sku-exp', 1)).toMatchObject({ ok: false, reason: 'OUT_OF_STOCK' });
    await sleep(500);
    // The next reserve first returns the expired 5, then takes 2 of them.
    expect(await inv.reserve('sku-exp', 2)).toMatchObject({ ok: true, stockLeft: 3, reclaimed: 1 });
    expect(await inv.snapshot('sku-exp')).toMatchObject({ available: 3, held: 2, sold: 0 });
  });
  // #endregion expiry-test

  it('confirming an expired hold fails with a clear error and does not sell', async () => {
    const inv = inventory();
    await inv.setStock('sku-late', 4);
    const hold = await inv.reserve('sku-late', 4, { ttlMs: 100 });
    if (!hold.ok) throw new Error('expected a hold');
    await sleep(200);
    const error = await inv.confirm('sku-late', hold.holdId).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HoldNotConfirmedError);
    expect(error).toMatchObject({ reason: 'HOLD_EXPIRED', deadlineMs: hold.expiresAtMs });
    expect((error as Error).message).toMatch(/HOLD_EXPIRED.*reserve again/);
    expect(await inv.snapshot('sku-late')).toEqual({ available: 4, held: 0, sold: 0, activeHolds: 0 });
    // Asking again still gets the same answer (the outcome is remembered), not "unknown hold".
    await expect(inv.confirm('sku-late', hold.holdId)).rejects.toMatchObject({ reason: 'HOLD_EXPIRED' });
    await expect(inv.confirm('sku-late', 'no-such-hold')).rejects.toMatchObject({ reason: 'UNKNOWN_HOLD' });
  });

  it('the sweeper returns expired stock with no buyer around, and bounds the work per call', async () => {
    const inv = inventory({ maxReclaimPerCall: 2 });
    await inv.setStock('sku-sweep', 5);
    // Each hold outlives all five reserves (else a later reserve would reclaim it itself).
    for (let i = 0; i < 5; i++) expect((await inv.reserve('sku-sweep', 1, { ttlMs: 400 })).ok).toBe(true);
    await sleep(500);
    expect(await inv.sweep('sku-sweep')).toEqual({ holds: 2, units: 2 });
    const controller = new AbortController();
    inv.startSweeper(['sku-sweep'], { intervalMs: 20, signal: controller.signal });
    try {
      // Two more sweeps of at most 2 holds each return the last 3.
      await vi.waitFor(
        async () =>
          expect(await inv.snapshot('sku-sweep')).toEqual({ available: 5, held: 0, sold: 0, activeHolds: 0 }),
        { timeout: 5_000, interval: 20 },
      );
    } finally {
      controller.abort();
    }
  });

  it('keeps available + held + sold constant through a mix of reserves, confirms and expiries', async () => {
    const inv = inventory();
    await inv.setStock('sku-mix', 50);
    const holds = await Promise.all(
      Array.from({ length: 80 }, (_, i) => inv.reserve('sku-mix', 1, { ttlMs: i % 2 ? 100 : 60_000 })),
    );
    const live = holds.filter((h) => h.ok);
    await Promise.all(live.slice(0, 10).map((h) => h.ok && inv.confirm('sku-mix', h.holdId).catch(() => 0)));
    await sleep(200);
    await inv.sweep('sku-mix');
    const s = await inv.snapshot('sku-mix');
    expect(s.available + s.held + s.sold).toBe(50);
    expect(s.available).toBeGreaterThan(0); // the short holds came back
  });

  it('names the problem when the SKU does not exist or a hold id is reused', async () => {
    const inv = inventory();
    expect(await inv.reserve('sku-missing', 1)).toMatchObject({ ok: false, reason: 'UNKNOWN_SKU' });
    await inv.setStock('sku-dup', 3);
    await inv.reserve('sku-dup', 1, { holdId: 'order-42' });
    expect(await inv.reserve('sku-dup', 1, { holdId: 'order-42' })).toMatchObject({
      ok: false,
      reason: 'HOLD_EXISTS',
    });
  });
});
