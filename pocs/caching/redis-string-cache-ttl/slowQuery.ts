import type pg from 'pg';

export interface Product {
  id: string;
  name: string;
  priceCents: number;
}

// #region slow-loader
/**
 * The "expensive" source: a real PostgreSQL round trip that also sleeps `delayMs` on the server,
 * standing in for a heavy join or aggregate. The AbortSignal releases the caller on a timeout.
 */
export function slowProductLoader(pool: pg.Pool, delayMs: number) {
  return async (id: string, signal: AbortSignal): Promise<Product> => {
    const query = pool.query<{ id: string; name: string; price_cents: number }>(
      `SELECT $1::text AS id, 'product ' || $1 AS name, (length($1) * 199)::int AS price_cents
       FROM pg_sleep($2::float8 / 1000)`,
      [id, delayMs],
    );
    const aborted = new Promise<never>((_, reject) => {
      signal.addEventListener(
        'abort',
        () => reject(new Error(`loading ${id} took longer than the cache's loadTimeoutMs`)),
        {
          once: true,
        },
      );
    });
    const { rows } = await Promise.race([query, aborted]);
    const row = rows[0]!;
    return { id: row.id, name: row.name, priceCents: row.price_cents };
  };
}
// #endregion slow-loader
