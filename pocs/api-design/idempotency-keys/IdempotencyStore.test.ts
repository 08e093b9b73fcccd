import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyLockLostError, IdempotencyStore, type StoredResponse } from './IdempotencyStore.ts';
import { testDatabase } from './testDb.ts';

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase('idempotency-keys-store');
});
afterAll(async () => {
  await db?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const FP = 'a'.repeat(64);

/** The effect under test: one payment row for the key. */
function pay(key: string) {
  return async (tx: {
    query: (text: string, values: unknown[]) => Promise<unknown>;
  }): Promise<StoredResponse> => {
    await tx.query(
      `insert into payments (customer, amount, currency, idempotency_key) values ('c', 1, 'eur', $1)`,
      [key],
    );
    return { status: 201, body: `{"key":"${key}"}` };
  };
}

describe('IdempotencyStore', () => {
  it('a request that crashed after claiming is taken over after staleAfterMs; the zombie cannot pay a second time', async () => {
    const store = new IdempotencyStore({ pool: db.pool, staleAfterMs: 200 });
    const key = randomUUID();
    const crashed = await store.claim(key, FP); // ...and the process dies: no complete(), no release()
    expect(crashed.kind).toBe('acquired');

    expect(await store.claim(key, FP)).toMatchObject({ kind: 'in-flight' });
    await sleep(300);
    const retry = await store.claim(key, FP);
    expect(retry).toMatchObject({ kind: 'acquired', takeover: true });
    if (retry.kind !== 'acquired' || crashed.kind !== 'acquired') throw new Error('unreachable');
    await store.complete(retry, pay(key));
    expect(await db.payments(key)).toBe(1);

    // The "crashed" request was only slow, and now tries to finish: its transaction stops before the effect.
    await expect(store.complete(crashed, pay(key))).rejects.toBeInstanceOf(IdempotencyLockLostError);
    expect(await db.payments(key)).toBe(1);
    expect(await store.claim(key, FP)).toMatchObject({ kind: 'replay', response: { status: 201 } });
  });

  it('a crash inside the transaction leaves neither the payment nor a completed key', async () => {
    const store = new IdempotencyStore({ pool: db.pool, staleAfterMs: 60_000 });
    const key = randomUUID();
    const claim = await store.claim(key, FP);
    if (claim.kind !== 'acquired') throw new Error(`expected acquired, got ${claim.kind}`);
    await expect(
      store.complete(claim, async (tx) => {
        await pay(key)(tx);
        throw new Error('process crashed after the insert');
      }),
    ).rejects.toThrow(/crashed/);
    expect(await db.payments(key)).toBe(0);
    expect(await store.claim(key, FP)).toMatchObject({ kind: 'in-flight' }); // still claimed, not completed

    await store.release(claim);
    const again = await store.claim(key, FP);
    expect(again).toMatchObject({ kind: 'acquired', takeover: false });
    if (again.kind === 'acquired') await store.complete(again, pay(key));
    expect(await db.payments(key)).toBe(1);
  });

  it('a stale claim is only taken over by the same request; another one gets a mismatch', async () => {
    const store = new IdempotencyStore({ pool: db.pool, staleAfterMs: 50 });
    const key = randomUUID();
    await store.claim(key, FP);
    await sleep(100);
    expect(await store.claim(key, 'b'.repeat(64))).toEqual({ kind: 'mismatch' });
  });

  it('treats an expired key as new even before the purge, and the purge removes only expired keys', async () => {
    const store = new IdempotencyStore({ pool: db.pool, retentionMs: 200, staleAfterMs: 50 });
    const oldKey = randomUUID();
    const claim = await store.claim(oldKey, FP);
    if (claim.kind === 'acquired') await store.complete(claim, pay(oldKey));
    await sleep(300);
    const freshKey = randomUUID();
    await store.claim(freshKey, FP);

    expect(await store.claim(oldKey, 'b'.repeat(64))).toMatchObject({ kind: 'acquired', takeover: true });
    const { rows } = await db.pool.query<{ n: number }>(
      `select count(*)::int as n from idempotency_keys where created_at < now() - interval '200 milliseconds'`,
    );
    expect(await store.purgeExpired()).toBe(rows[0]!.n);
    const left = await db.pool.query('select key from idempotency_keys where key = any($1)', [
      [oldKey, freshKey],
    ]);
    expect(left.rows.map((r) => r.key).sort()).toEqual([oldKey, freshKey].sort()); // both young now
  });

  it('refuses a retention shorter than the stale timeout', () => {
    expect(() => new IdempotencyStore({ pool: db.pool, retentionMs: 100, staleAfterMs: 200 })).toThrow(
      /retentionMs/,
    );
  });
});
