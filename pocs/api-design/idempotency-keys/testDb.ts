import { Client, Pool } from 'pg';
import { createPgSchema } from '../../../src/lab/index.ts';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { createIdempotencyTables } from './IdempotencyStore.ts';

/** A schema of its own with the two tables, a pool pointed at it, and a cleanup that drops it all. */
export async function testDatabase(owner: string, max = 8) {
  const url = serviceUrl('postgres');
  const ns = testNamespace(owner);
  const admin = new Client({ connectionString: url, application_name: `${ns}-admin` });
  await admin.connect();
  const schema = await createPgSchema(admin, ns);
  const pool = new Pool({ connectionString: url, options: schema.options, max, application_name: ns });
  await createIdempotencyTables(pool);
  const payments = async (key: string): Promise<number> => {
    const { rows } = await pool.query<{ n: number }>(
      'select count(*)::int as n from payments where idempotency_key = $1',
      [key],
    );
    return rows[0]!.n;
  };
  const close = async () => {
    await pool.end();
    await schema.drop();
    await admin.end();
  };
  return { pool, payments, close };
}
