import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPgSchema } from '../../../src/lab/index.ts';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import {
  LeakDetectingPool,
  type LeakDetectingPoolOptions,
  type LeakReport,
  PoolExhaustedError,
} from './LeakDetectingPool.ts';
import { createOrderTables, placeOrder, placeOrderLeaky, placeOrderOneStatement } from './orders.ts';
import { sendOrders } from './traffic.ts';

const url = serviceUrl('postgres');
const ns = testNamespace('connection-leak-detection');
const ORDERS_FILE = fileURLToPath(new URL('./orders.ts', import.meta.url));
/** The line the detector must name: found by its marker, so editing orders.ts cannot break the test silently. */
const LEAK_LINE =
  readFileSync(ORDERS_FILE, 'utf8')
    .split('\n')
    .findIndex((l) => l.includes('// leak-site')) + 1;

let admin: Client;
let schema: Awaited<ReturnType<typeof createPgSchema>>;
const pools: LeakDetectingPool[] = [];

function pool(name: string, options: Partial<LeakDetectingPoolOptions> = {}): LeakDetectingPool {
  const created = new LeakDetectingPool({
    connectionString: url,
    name,
    applicationName: `${ns}-${name}`,
    serverOptions: schema.options,
    max: 5,
    checkoutTimeoutMs: 150,
    ...options,
  });
  pools.push(created);
  return created;
}

async function sessions(name: string, state: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where application_name = $1 and state = $2',
    [`${ns}-${name}`, state],
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  admin = new Client({ connectionString: url, application_name: `${ns}-admin` });
  await admin.connect();
  schema = await createPgSchema(admin, ns);
  await admin.query(`set search_path = ${ns}`);
  await createOrderTables(admin);
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await schema?.drop();
  await admin?.end();
});

describe('LeakDetectingPool', () => {
  it('reports a leaked connection with the file:line that checked it out', async () => {
    expect(LEAK_LINE).toBeGreaterThan(0);
    const leaks: LeakReport[] = [];
    const p = pool('report', { leakThresholdMs: 100, checkIntervalMs: 20, onLeak: (l) => leaks.push(l) });

    await expect(placeOrderLeaky(p, { customer: 'a', sku: 'gadget', quantity: 1 })).rejects.toThrow(
      /not enough/,
    );
    await vi.waitFor(() => expect(leaks).toHaveLength(1), { timeout: 5000 });

    const [leak] = leaks;
    expect(leak!.acquiredAt).toMatchObject({ file: ORDERS_FILE, line: LEAK_LINE });
    expect(leak!.acquiredAt.function).toMatch(/placeOrderLeaky/);
    expect(leak!.acquiredAt.text).toContain(`orders.ts:${LEAK_LINE}:`);
    expect(leak!.heldMs).toBeGreaterThanOrEqual(100);
    expect(p.snapshot()).toMatchObject({ checkedOut: 1, currentlyLeaked: 1, leaksDetected: 1 });
    expect(p.snapshot().longestCheckoutSite).toBe(leak!.acquiredAt.text);
    // Reported once, not on every tick.
    expect(p.checkNow()).toEqual([]);
    // The leaked session sits on the server with its transaction open.
    expect(await sessions('report', 'idle in transaction')).toBe(1);
  });

  it('does not report a long but legitimate transaction that finishes under the threshold', async () => {
    const leaks: LeakReport[] = [];
    const p = pool('legit', { leakThresholdMs: 2000, checkIntervalMs: 20, onLeak: (l) => leaks.push(l) });
    const client = await p.connect();
    try {
      await client.query('BEGIN');
      await client.query('select pg_sleep(0.3)'); // many ticks of the detector see it checked out
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    expect(p.snapshot()).toMatchObject({ checkedOut: 0, leaksDetected: 0, currentlyLeaked: 0 });
    expect(p.snapshot().maxHoldMs).toBeGreaterThanOrEqual(300);
    expect(leaks).toEqual([]);
  });

  it('stops tracking released clients: they are never reported, even after the threshold', async () => {
    const p = pool('released', { leakThresholdMs: 100, checkIntervalMs: 10_000 });
    await placeOrder(p, { customer: 'a', sku: 'gadget', quantity: 1 }).catch(() => {});
    await p.query('select 1');
    const client = await p.connect();
    client.release();
    expect(p.snapshot().checkedOut).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(p.checkNow()).toEqual([]);
    expect(p.snapshot()).toMatchObject({
      checkouts: 3,
      checkedOut: 0,
      leaksDetected: 0,
      longestCheckoutMs: 0,
    });
    expect(() => client.release()).toThrow(/already been released/); // pg's own double-release guard stays
  });

  it('the leaky handler exhausts a pool of 5; the fixed handlers never do', async () => {
    const traffic = { requests: 14, errorEvery: 2 }; // requests 2, 4, 6, 8, 10 leak one connection each
    const leaky = pool('leaky', { leakThresholdMs: 60_000 });
    const leakyResult = await sendOrders(leaky, placeOrderLeaky, traffic);
    expect(leakyResult).toMatchObject({
      outOfStock: 5,
      firstTimeoutAt: 11,
      checkoutTimeouts: 4,
      otherErrors: 0,
    });
    expect(leaky.snapshot()).toMatchObject({ checkedOut: 5, checkoutTimeouts: 4 });
    expect(await sessions('leaky', 'idle in transaction')).toBe(5);
    // Even before the threshold, the timeout error names who holds the connections.
    const exhausted = await leaky.query('select 1').catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(PoolExhaustedError);
    expect((exhausted as Error).message).toContain(`orders.ts:${LEAK_LINE}:`);

    for (const [name, handler] of [
      ['finally', placeOrder],
      ['one-statement', placeOrderOneStatement],
    ] as const) {
      const fixed = pool(name, { leakThresholdMs: 60_000 });
      const result = await sendOrders(fixed, handler, traffic);
      expect(result, name).toMatchObject({
        ordersPlaced: 7,
        outOfStock: 7,
        checkoutTimeouts: 0,
        otherErrors: 0,
      });
      expect(fixed.snapshot().checkedOut, name).toBe(0);
      expect(await sessions(name, 'idle in transaction'), name).toBe(0);
    }
  });

  it('reclaimLeaked() destroys leaked connections so the pool serves again', async () => {
    const p = pool('reclaim', { max: 2, leakThresholdMs: 50, checkIntervalMs: 10_000 });
    await sendOrders(p, placeOrderLeaky, { requests: 4, errorEvery: 1 });
    expect(p.snapshot().checkedOut).toBe(2);
    await expect(p.query('select 1')).rejects.toBeInstanceOf(PoolExhaustedError);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(p.checkNow()).toHaveLength(2);

    expect(p.reclaimLeaked()).toBe(2);
    const { rows } = await p.query<{ ok: number }>('select 1 as ok');
    expect(rows[0]!.ok).toBe(1);
    expect(p.snapshot()).toMatchObject({ checkedOut: 0, currentlyLeaked: 0, reclaimed: 2 });
    // The server ended the leaked sessions and rolled back their transactions.
    await vi.waitFor(async () => expect(await sessions('reclaim', 'idle in transaction')).toBe(0));
  });
});
