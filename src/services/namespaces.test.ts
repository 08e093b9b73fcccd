import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../testing/services.ts';
import { createPgSchema, deleteRedisKeys } from './namespaces.ts';

describe('namespaces', () => {
  const redis = new Redis(serviceUrl('redis'));
  const pool = new pg.Pool({ connectionString: serviceUrl('postgres'), max: 2 });
  afterAll(async () => {
    redis.disconnect();
    await pool.end();
  });

  it('deletes only the keys under its prefix', async () => {
    const mine = testNamespace('ns-mine');
    const other = testNamespace('ns-other');
    await redis.mset(`${mine}:a`, 1, `${mine}:b`, 2, `${other}:a`, 3);
    expect(await deleteRedisKeys(redis, `${mine}:`)).toBe(2);
    expect(await redis.exists(`${mine}:a`, `${mine}:b`)).toBe(0);
    expect(await redis.get(`${other}:a`)).toBe('3');
    await deleteRedisKeys(redis, `${other}:`);
  });

  it('refuses an empty prefix', async () => {
    await expect(deleteRedisKeys(redis, '')).rejects.toThrow(/non-empty prefix/);
  });

  it('creates a schema that unqualified tables land in, and drops it', async () => {
    const ns = await createPgSchema(pool, testNamespace('ns-schema'));
    const scoped = new pg.Pool({ connectionString: serviceUrl('postgres'), options: ns.options, max: 1 });
    await scoped.query('CREATE TABLE t (id int)');
    await scoped.end();
    const { rows } = await pool.query(
      'SELECT table_schema FROM information_schema.tables WHERE table_name = $1',
      ['t'],
    );
    expect(rows.map((r) => r.table_schema)).toContain(ns.schema);
    await ns.drop();
    const after = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [
      ns.schema,
    ]);
    expect(after.rowCount).toBe(0);
  });
});
