import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyStore } from './IdempotencyStore.ts';
import { buildPaymentsApp } from './paymentsApp.ts';
import { testDatabase } from './testDb.ts';

let db: Awaited<ReturnType<typeof testDatabase>>;
beforeAll(async () => {
  db = await testDatabase('idempotency-keys-api');
});
afterAll(async () => {
  await db?.close();
});

const payment = { customer: 'cus_1', amount: 4200, currency: 'eur' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function app(options: { riskCheckMs?: number; retentionMs?: number; idempotency?: boolean } = {}) {
  const store =
    options.idempotency === false
      ? null
      : new IdempotencyStore({
          pool: db.pool,
          retentionMs: options.retentionMs,
          // Far above the risk check, so no request is mistaken for a crashed one.
          staleAfterMs: options.retentionMs ? options.retentionMs / 2 : 5000,
        });
  const built = buildPaymentsApp({
    pool: db.pool,
    idempotency: store,
    riskCheck: options.riskCheckMs ? async () => void (await sleep(options.riskCheckMs!)) : undefined,
  });
  return { app: built, store };
}

function post(target: ReturnType<typeof app>['app'], key: string | undefined, body: unknown) {
  return target.inject({
    method: 'POST',
    url: '/payments',
    headers: key === undefined ? {} : { 'idempotency-key': key },
    payload: body as object,
  });
}

describe('POST /payments with Idempotency-Key', () => {
  it('100 concurrent identical requests create exactly one payment; the rest get the stored response or 409', async () => {
    const { app: server } = app({ riskCheckMs: 150 });
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 100 }, () => post(server, key, payment)));

    expect(await db.payments(key)).toBe(1);
    const created = responses.filter((r) => r.statusCode === 201);
    const conflicts = responses.filter((r) => r.statusCode === 409);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(created.length + conflicts.length).toBe(100);
    expect(new Set(created.map((r) => r.body)).size).toBe(1); // every 201 is the one stored response
    expect(conflicts[0]?.headers['retry-after']).toBeDefined();
    expect(conflicts[0]?.json().error.type).toBe('idempotency_key_in_use');

    // After the first one finished, a retry gets that same response back.
    const retry = await post(server, key, payment);
    expect(retry.statusCode).toBe(201);
    expect(retry.body).toBe(created[0]!.body);
    expect(await db.payments(key)).toBe(1);
  });

  it('replays the byte-identical status and body of the first response, failures included', async () => {
    const { app: server } = app();
    const key = randomUUID();
    const first = await post(server, key, { ...payment, description: 'order 7' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    // Same parameters in another key order: the same request.
    const again = await post(server, key, {
      description: 'order 7',
      currency: 'eur',
      amount: 4200,
      customer: 'cus_1',
    });
    expect(again.statusCode).toBe(201);
    expect(again.rawPayload.equals(first.rawPayload)).toBe(true);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await db.payments(key)).toBe(1);

    const declinedKey = randomUUID();
    const declined = await post(server, declinedKey, { ...payment, amount: 5_000_000 });
    expect(declined.statusCode).toBe(402);
    const declinedAgain = await post(server, declinedKey, { ...payment, amount: 5_000_000 });
    expect(declinedAgain.statusCode).toBe(402);
    expect(declinedAgain.body).toBe(declined.body);
  });

  it('rejects the same key with different parameters with 422 and changes nothing', async () => {
    const { app: server } = app();
    const key = randomUUID();
    expect((await post(server, key, payment)).statusCode).toBe(201);
    const other = await post(server, key, { ...payment, amount: 4300 });
    expect(other.statusCode).toBe(422);
    expect(other.json().error.type).toBe('idempotency_key_reused');
    expect(await db.payments(key)).toBe(1);
  });

  it('answers a missing, oversized or malformed key with a clear 400, before any work', async () => {
    const { app: server } = app();
    const missing = await post(server, undefined, payment);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.message).toMatch(/Idempotency-Key header is required/);
    const oversized = await post(server, 'k'.repeat(256), payment);
    expect(oversized.statusCode).toBe(400);
    expect(oversized.json().error.message).toMatch(/256 characters; at most 255/);
    expect((await post(server, 'bad key', payment)).statusCode).toBe(400);
    expect((await post(server, 'k'.repeat(255), payment)).statusCode).toBe(201);
    expect((await post(server, `"${randomUUID()}"`, payment)).statusCode).toBe(201); // IETF draft's quoted form

    // An invalid body stores nothing under the key: fixed, the same key goes through.
    const key = randomUUID();
    expect((await post(server, key, { ...payment, amount: -1 })).statusCode).toBe(400);
    expect((await post(server, key, payment)).statusCode).toBe(201);
  });

  it('expires keys: after the retention they are purged and the key starts a new request', async () => {
    const { app: server, store } = app({ retentionMs: 300 });
    const key = randomUUID();
    expect((await post(server, key, payment)).statusCode).toBe(201);
    expect((await post(server, key, { ...payment, amount: 1 })).statusCode).toBe(422);
    await sleep(400);
    expect(await store!.purgeExpired()).toBeGreaterThanOrEqual(1);
    const reused = await post(server, key, { ...payment, amount: 1 });
    expect(reused.statusCode).toBe(201);
    expect(reused.json().amount).toBe(1);
    expect(await db.payments(key)).toBe(2);
  });

  it('without the idempotency layer, the same request sent twice pays twice (the failure it prevents)', async () => {
    const { app: server } = app({ idempotency: false });
    const marker = `cus_${randomUUID()}`;
    await post(server, undefined, { ...payment, customer: marker });
    await post(server, undefined, { ...payment, customer: marker });
    const { rows } = await db.pool.query('select 1 from payments where customer = $1', [marker]);
    expect(rows).toHaveLength(2);
  });
});
