import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import {
  createPgSchema,
  type DemoContext,
  defineDemo,
  round,
  runLoad,
  seededRandom,
} from '../../../src/lab/index.ts';
import { createIdempotencyTables, IdempotencyStore } from './IdempotencyStore.ts';
import { buildPaymentsApp } from './paymentsApp.ts';
import { payWithRetries } from './retryingClient.ts';

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('postgres').url;
    const admin = new Pool({ connectionString: url, max: 1, application_name: `${ctx.namespace}-admin` });
    const schema = await createPgSchema(admin, ctx.namespace);
    const pool = new Pool({
      connectionString: url,
      options: schema.options,
      max: 8,
      connectionTimeoutMillis: 5000,
      application_name: ctx.namespace,
    });
    try {
      await createIdempotencyTables(pool);
      await retriesAfterTimeouts(ctx, pool);
      await overhead(ctx, pool);
    } finally {
      await pool.end();
      await schema.drop();
      await admin.end();
    }
  },
});

interface RetryRow {
  variant: string;
  payments: number;
  attempts: number;
  clientTimeouts: number;
  conflicts: number;
  replays: number;
  succeeded: number;
  paymentsCreated: number;
  duplicates: number;
  chargedTwice: number;
  [key: string]: number | string;
}

async function retriesAfterTimeouts(ctx: DemoContext, pool: Pool): Promise<void> {
  const settings = {
    payments: ctx.quick ? 20 : 100,
    concurrency: 5,
    slowShare: 0.3,
    slowMs: ctx.quick ? 150 : 250,
    attemptTimeoutMs: ctx.quick ? 60 : 100,
    maxAttempts: 6,
    backoffMs: 50,
  };
  ctx.log(
    `Retries after timeouts: ${settings.payments} payments, ${settings.concurrency} at a time; the server's risk check ` +
      `takes ${settings.slowMs} ms for ${settings.slowShare * 100}% of requests; the client gives up on an attempt after ` +
      `${settings.attemptTimeoutMs} ms and retries (up to ${settings.maxAttempts} attempts, backoff from ${settings.backoffMs} ms)`,
  );
  const rows: RetryRow[] = [];
  for (const withKeys of [false, true]) {
    ctx.signal.throwIfAborted();
    ctx.progress('retries after timeouts', rows.length, 2);
    const random = seededRandom(72_73);
    const app = buildPaymentsApp({
      pool,
      idempotency: withKeys ? new IdempotencyStore({ pool, staleAfterMs: 10_000 }) : null,
      riskCheck: () => sleep(random() < settings.slowShare ? settings.slowMs : 2),
      // The client's keep-alive sockets would otherwise hold close() open.
      fastify: { forceCloseConnections: true },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const run = randomUUID().slice(0, 8); // customers of this run, to count its payments
    try {
      const outcomes: Awaited<ReturnType<typeof payWithRetries>>[] = [];
      let next = 0;
      const worker = async () => {
        while (next < settings.payments) {
          const n = next++;
          outcomes.push(
            await payWithRetries(
              baseUrl,
              { customer: `${run}-${n}`, amount: 1000 + n, currency: 'eur' },
              { ...settings, idempotencyKey: withKeys, signal: ctx.signal },
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: settings.concurrency }, worker));
      // Attempts the client gave up on are still running on the server: let them finish before counting.
      await sleep(settings.slowMs + 200);
      const { rows: counts } = await pool.query<{ customer: string; n: number }>(
        'select customer, count(*)::int as n from payments where customer like $1 group by customer',
        [`${run}-%`],
      );
      const created = counts.reduce((sum, c) => sum + c.n, 0);
      rows.push({
        variant: withKeys ? 'With Idempotency-Key' : 'Without keys',
        payments: settings.payments,
        attempts: sum(outcomes, 'attempts'),
        clientTimeouts: sum(outcomes, 'timeouts'),
        conflicts: sum(outcomes, 'conflicts'),
        replays: sum(outcomes, 'replays'),
        succeeded: outcomes.filter((o) => o.status === 201).length,
        paymentsCreated: created,
        duplicates: created - counts.length,
        chargedTwice: counts.filter((c) => c.n > 1).length,
      });
    } finally {
      await app.close();
    }
  }
  ctx.progress('retries after timeouts', 2, 2);
  for (const r of rows) {
    ctx.log(
      `  ${r.variant}: ${r.attempts} attempts for ${r.payments} payments (${r.clientTimeouts} client timeouts, ` +
        `${r.conflicts} x 409, ${r.replays} replays) -> ${r.paymentsCreated} payments created, ${r.duplicates} duplicates`,
    );
  }
  ctx.record.table({
    id: 'retries-after-timeouts',
    title: `Client retries after timeouts: ${settings.payments} payments, ${settings.slowShare * 100}% of requests slower than the client's timeout`,
    columns: [
      { key: 'variant', label: 'Endpoint' },
      { key: 'payments', label: 'Payments intended' },
      { key: 'attempts', label: 'HTTP attempts' },
      { key: 'clientTimeouts', label: 'Client timeouts' },
      { key: 'conflicts', label: '409 in flight' },
      { key: 'replays', label: 'Replayed responses' },
      { key: 'succeeded', label: 'Client saw success' },
      { key: 'paymentsCreated', label: 'Payments created' },
      { key: 'duplicates', label: 'Duplicate payments' },
      { key: 'chargedTwice', label: 'Customers charged more than once' },
    ],
    rows,
    chart: {
      type: 'bar',
      x: 'variant',
      y: ['paymentsCreated', 'duplicates'],
      title: 'Payments created and duplicates',
    },
  });
  const [without, withKeys] = rows;
  ctx.record.figure('duplicates-without-keys', 'Duplicate payments without keys', without!.duplicates);
  ctx.record.figure('duplicates-with-keys', 'Duplicate payments with Idempotency-Key', withKeys!.duplicates);
  ctx.record.figure('replays-with-keys', 'Retries answered with the stored response', withKeys!.replays);
  ctx.record.compare({
    id: 'duplicates',
    title: 'Duplicate payments: no keys vs Idempotency-Key (same traffic, same timeouts)',
    unit: 'payments',
    better: 'lower',
    baseline: { label: 'no keys', value: without!.duplicates },
    candidate: { label: 'Idempotency-Key', value: withKeys!.duplicates },
  });
}

interface OverheadRow {
  variant: string;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  [key: string]: number | string;
}

/** The same endpoint with and without the layer, fresh keys each time; and a replay of a stored key. */
async function overhead(ctx: DemoContext, pool: Pool): Promise<void> {
  const durationMs = ctx.quick ? 300 : 3000;
  const concurrency = 8;
  const plain = buildPaymentsApp({ pool, idempotency: null });
  const keyed = buildPaymentsApp({ pool, idempotency: new IdempotencyStore({ pool }) });
  await Promise.all([plain.ready(), keyed.ready()]);
  const replayKey = randomUUID();
  const body = { customer: 'bench', amount: 100, currency: 'eur' };
  await keyed.inject({
    method: 'POST',
    url: '/payments',
    headers: { 'idempotency-key': replayKey },
    payload: body,
  });

  // #region overhead
  const send = (app: typeof plain, key: string | null) => async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/payments',
      headers: key === null ? {} : { 'idempotency-key': key },
      payload: body,
    });
    if (response.statusCode !== 201) throw new Error(`unexpected ${response.statusCode}: ${response.body}`);
  };
  const variants = [
    { variant: 'Without keys (1 insert)', op: send(plain, null) },
    { variant: 'With Idempotency-Key, new key', op: () => send(keyed, randomUUID())() },
    { variant: 'With Idempotency-Key, replay', op: send(keyed, replayKey) },
  ];
  // #endregion overhead
  const best = new Map<string, OverheadRow>();
  const rounds = ctx.quick ? [variants] : [variants, [...variants].reverse()];
  let step = 0;
  for (const pass of rounds) {
    for (const { variant, op } of pass) {
      ctx.progress('overhead', step++, rounds.length * variants.length);
      await runLoad(op, { concurrency, durationMs: durationMs / 5, signal: ctx.signal }); // warm-up
      const load = await runLoad(op, { concurrency, durationMs, signal: ctx.signal });
      if (load.errors > 0) throw new Error(`${variant}: ${load.errors} errors, e.g. ${load.errorSamples[0]}`);
      const row = {
        variant,
        opsPerSec: Math.round(load.opsPerSec),
        p50Ms: round(load.latency.p50, 2),
        p99Ms: round(load.latency.p99, 2),
      };
      if ((best.get(variant)?.opsPerSec ?? -1) < row.opsPerSec) best.set(variant, row);
    }
  }
  ctx.progress('overhead', step, step);
  await Promise.all([plain.close(), keyed.close()]);
  const rows = variants.map((v) => best.get(v.variant)!);
  ctx.record.table({
    id: 'overhead',
    title: `POST /payments through fastify.inject, ${concurrency} concurrent callers, same PostgreSQL`,
    columns: [
      { key: 'variant', label: 'Endpoint' },
      { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
      { key: 'p50Ms', label: 'p50', unit: 'ms' },
      { key: 'p99Ms', label: 'p99', unit: 'ms' },
    ],
    rows,
    chart: { type: 'bar', x: 'variant', y: ['opsPerSec'], title: 'Requests per second' },
  });
  const [without, withKey] = rows;
  const compare = (
    id: string,
    title: string,
    unit: string,
    better: 'higher' | 'lower',
    key: 'opsPerSec' | 'p50Ms' | 'p99Ms',
  ) =>
    ctx.record.compare({
      id,
      title,
      unit,
      better,
      baseline: { label: 'no keys', value: without![key] },
      candidate: { label: 'Idempotency-Key', value: withKey![key] },
    });
  compare(
    'overhead-throughput',
    'Throughput: same endpoint without vs with the idempotency layer',
    'ops/s',
    'higher',
    'opsPerSec',
  );
  compare('overhead-p50', 'Median latency: without vs with the idempotency layer', 'ms', 'lower', 'p50Ms');
  compare('overhead-p99', 'p99 latency: without vs with the idempotency layer', 'ms', 'lower', 'p99Ms');
  ctx.log(
    `Overhead: without keys ${without!.opsPerSec} ops/s (p50 ${without!.p50Ms} ms, p99 ${without!.p99Ms} ms); ` +
      `with keys ${withKey!.opsPerSec} ops/s (p50 ${withKey!.p50Ms} ms, p99 ${withKey!.p99Ms} ms); ` +
      `replay ${rows[2]!.opsPerSec} ops/s`,
  );
  ctx.record.note(
    'A new key costs two commits instead of one (the claim is committed on its own so that retries see it) and ' +
      'two more statements inside the payment transaction (the ownership check and the key update); a replay is ' +
      'two statements (the claim that finds the key, then the read of the stored response) and creates nothing.',
  );
}

function sum<T>(items: T[], key: { [K in keyof T]: T[K] extends number ? K : never }[keyof T]): number {
  return items.reduce((total, item) => total + (item[key] as number), 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
