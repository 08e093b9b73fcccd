import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { createCounterTable, runContention, VersionConflictError } from './occContention.ts';
import { retry } from './retry.ts';

const schema = testNamespace('backoff-jitter');
let pool: pg.Pool;
let table: string;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: serviceUrl('postgres'), max: 8, application_name: schema });
  table = await createCounterTable(pool, schema);
});

afterAll(async () => {
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

const N = 20;

describe('optimistic concurrency on one PostgreSQL row', () => {
  it('with retries and decorrelated jitter every one of N clients succeeds exactly once', async () => {
    const result = await runContention({
      pool,
      table,
      clients: N,
      retrier: (attempt) =>
        retry(attempt, {
          jitter: 'decorrelated',
          baseMs: 2,
          capMs: 100,
          maxAttempts: 1_000,
          retryable: (e) => e instanceof VersionConflictError,
          signal: AbortSignal.timeout(20_000),
        }),
    });
    expect(result).toMatchObject({ finalVersion: N, distinctWriters: N, gaveUp: 0 });
    // Real contention happened: some writes lost the race and were retried.
    expect(result.conflicts).toBeGreaterThan(0);
    expect(result.calls).toBe(N + result.conflicts);
  });

  it('without retries the losers are lost: fewer than N writes land', async () => {
    const result = await runContention({
      pool,
      table,
      clients: N,
      retrier: (attempt) => retry(attempt, { maxAttempts: 1 }),
    });
    expect(result.finalVersion).toBeLessThan(N);
    expect(result.gaveUp).toBe(N - result.finalVersion);
  });
});
