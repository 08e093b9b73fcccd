import { Client, DatabaseError } from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { MonitoredPool, PoolCheckoutTimeoutError } from './MonitoredPool.ts';

const url = serviceUrl('postgres');
const ns = testNamespace('connection-pool-sizing');
let admin: Client;
const pools: MonitoredPool[] = [];

/** Each pool gets its own application_name, so pg_stat_activity tells its connections apart. */
function pool(
  name: string,
  options: Partial<ConstructorParameters<typeof MonitoredPool>[0]> = {},
): MonitoredPool {
  const created = new MonitoredPool({
    connectionString: url,
    name,
    applicationName: `${ns}-${name}`,
    ...options,
  });
  pools.push(created);
  return created;
}

async function serverConnections(name: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where application_name = $1',
    [`${ns}-${name}`],
  );
  return rows[0]!.n;
}

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

beforeAll(async () => {
  admin = new Client({ connectionString: url, application_name: `${ns}-admin` });
  await admin.connect();
});

afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await admin.end();
});

describe('MonitoredPool metrics', () => {
  it('with N connections held, in-use / idle / waiting match exactly', async () => {
    const p = pool('held', { max: 3, checkoutTimeoutMs: 10_000 });
    const release = gate();
    const holders = Array.from({ length: 3 }, () =>
      p.withClient(async (client) => {
        await client.query('select 1');
        await release.opened;
      }),
    );
    await vi.waitFor(() => expect(p.snapshot().inUse).toBe(3));
    const waiters = [p.query('select 1'), p.query('select 2')];
    await vi.waitFor(() => expect(p.snapshot().waiting).toBe(2));

    expect(p.snapshot()).toMatchObject({ max: 3, total: 3, idle: 0, inUse: 3, waiting: 2, checkouts: 3 });
    expect(p.snapshot().oldestWaitMs).toBeGreaterThan(0);
    expect(await serverConnections('held')).toBe(3);

    release.open();
    await Promise.all([...holders, ...waiters]);
    const after = p.snapshot();
    expect(after).toMatchObject({ total: 3, idle: 3, inUse: 0, waiting: 0, oldestWaitMs: 0 });
    expect(after).toMatchObject({ checkouts: 5, queries: 2, checkoutTimeouts: 0, queryErrors: 0 });
    expect(after.acquireWait.count).toBe(5);
    expect(after.hold.count).toBe(5);
  });

  it('counts checkout timeouts and says what to do about them', async () => {
    const p = pool('timeout', { max: 1, checkoutTimeoutMs: 100 });
    const release = gate();
    const holder = p.withClient(() => release.opened);
    await vi.waitFor(() => expect(p.snapshot().inUse).toBe(1));

    const results = await Promise.allSettled([p.query('select 1'), p.query('select 1'), p.query('select 1')]);
    release.open();
    await holder;

    const errors = results.map((r) => (r.status === 'rejected' ? r.reason : null));
    expect(errors.every((e) => e instanceof PoolCheckoutTimeoutError)).toBe(true);
    expect((errors[0] as Error).message).toMatch(/max 1, 1 in use.*statement_timeout/);
    const snap = p.snapshot();
    expect(snap.checkoutTimeouts).toBe(3);
    expect(snap.queryErrors).toBe(3);
    // The timed-out waits are in the histogram: its max is at least about the timeout.
    expect(snap.acquireWait.max).toBeGreaterThanOrEqual(90);
    // The pool recovers once the holder lets go.
    await expect(p.query('select 1 as ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
  });

  it('statement_timeout cancels a slow statement on the server and keeps the connection', async () => {
    const p = pool('stmt', { max: 1, statementTimeoutMs: 100 });
    const error = await p.query('select pg_sleep(5)').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseError);
    expect((error as DatabaseError).code).toBe('57014');
    expect(p.snapshot()).toMatchObject({ statementTimeouts: 1, queryErrors: 1, inUse: 0 });
    await expect(p.query('select 1 as ok')).resolves.toMatchObject({ rows: [{ ok: 1 }] });
    expect(p.snapshot().total).toBe(1);
  });

  it('an AbortSignal ends the wait for a connection; the connection still comes back to the pool', async () => {
    const p = pool('abort', { max: 1, checkoutTimeoutMs: 10_000 });
    const release = gate();
    const holder = p.withClient(() => release.opened);
    await vi.waitFor(() => expect(p.snapshot().inUse).toBe(1));

    const controller = new AbortController();
    const waiting = p.query('select 1', [], { signal: controller.signal });
    await vi.waitFor(() => expect(p.snapshot().waiting).toBe(1));
    controller.abort(new Error('caller gave up'));
    await expect(waiting).rejects.toThrow('caller gave up');

    release.open();
    await holder;
    await vi.waitFor(() => expect(p.snapshot()).toMatchObject({ inUse: 0, waiting: 0, idle: 1 }));
    expect(p.snapshot().checkoutErrors).toBe(1);
  });

  it('close() leaves no connection on the server and refuses new work', async () => {
    const p = pool('close', { max: 4 });
    await p.prewarm();
    expect(await serverConnections('close')).toBe(4);
    await p.close();
    await p.close(); // idempotent
    // The server removes a backend shortly after the client disconnects.
    await vi.waitFor(async () => expect(await serverConnections('close')).toBe(0), { timeout: 5000 });
    await expect(p.query('select 1')).rejects.toThrow(/closed/);
  });
});
