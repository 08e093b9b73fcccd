import type { QueryResult, QueryResultRow } from 'pg';

/** What the handlers need from a pool: a pg.Pool, a LeakDetectingPool or the MonitoredPool of #71 would do. */
export interface OrdersPool {
  connect(): Promise<{
    query<R extends QueryResultRow = QueryResultRow>(
      text: string,
      values?: unknown[],
    ): Promise<QueryResult<R>>;
    release(err?: Error | boolean): void;
  }>;
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>>;
}

export interface OrderRequest {
  customer: string;
  sku: string;
  quantity: number;
}

/** A business outcome, not a bug: the handler turns it into a 409 for the client. */
export class OutOfStockError extends Error {
  constructor(sku: string, wanted: number, available?: number) {
    super(`not enough ${sku}: wanted ${wanted}${available === undefined ? '' : `, ${available} in stock`}`);
    this.name = 'OutOfStockError';
  }
}

/** Tables in the caller's schema (the pool's search_path) with two products, one of them sold out. */
export async function createOrderTables(pool: Pick<OrdersPool, 'query'>): Promise<void> {
  await pool.query(`
    create table products (sku text primary key, stock int not null check (stock >= 0));
    create table orders (id bigserial primary key, customer text not null, sku text not null references products,
                         quantity int not null, created_at timestamptz not null default now());
    insert into products values ('widget', 1000000), ('gadget', 0);`);
}

// #region leaky
/** Reserve stock and record the order. The bug: the error path returns without release(). */
export async function placeOrderLeaky(pool: OrdersPool, order: OrderRequest): Promise<number> {
  const client = await pool.connect(); // leak-site: the line the detector must name
  await client.query('BEGIN');
  const { rows } = await client.query<{ stock: number }>('select stock from products where sku = $1', [
    order.sku,
  ]);
  const stock = rows[0]?.stock ?? 0;
  if (stock < order.quantity) {
    // Throws with the transaction open and the connection checked out: nobody will ever release it.
    throw new OutOfStockError(order.sku, order.quantity, stock);
  }
  await client.query('update products set stock = stock - $2 where sku = $1', [order.sku, order.quantity]);
  const inserted = await client.query<{ id: string }>(
    'insert into orders (customer, sku, quantity) values ($1, $2, $3) returning id',
    [order.customer, order.sku, order.quantity],
  );
  await client.query('COMMIT');
  client.release();
  return Number(inserted.rows[0]!.id);
}
// #endregion leaky

// #region fixed
/** The same transaction, with the release where no code path can skip it. */
export async function placeOrder(pool: OrdersPool, order: OrderRequest): Promise<number> {
  const client = await pool.connect();
  let failure: Error | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ stock: number }>(
      'select stock from products where sku = $1 for update',
      [order.sku],
    );
    const stock = rows[0]?.stock ?? 0;
    if (stock < order.quantity) throw new OutOfStockError(order.sku, order.quantity, stock);
    await client.query('update products set stock = stock - $2 where sku = $1', [order.sku, order.quantity]);
    const inserted = await client.query<{ id: string }>(
      'insert into orders (customer, sku, quantity) values ($1, $2, $3) returning id',
      [order.customer, order.sku, order.quantity],
    );
    await client.query('COMMIT');
    return Number(inserted.rows[0]!.id);
  } catch (error) {
    // ROLLBACK can fail too (the connection may be gone): then hand the error to release(),
    // which makes pg discard the connection instead of reusing one in an unknown state.
    await client.query('ROLLBACK').catch((rollbackError: Error) => {
      failure = rollbackError;
    });
    throw error;
  } finally {
    client.release(failure);
  }
}
// #endregion fixed

// #region single-statement
/** When the work fits in one statement, pool.query() checks out and releases for you. */
export async function placeOrderOneStatement(pool: OrdersPool, order: OrderRequest): Promise<number> {
  const { rows } = await pool.query<{ id: string }>(
    `with reserved as (
       update products set stock = stock - $3 where sku = $2 and stock >= $3 returning sku)
     insert into orders (customer, sku, quantity) select $1, sku, $3 from reserved returning id`,
    [order.customer, order.sku, order.quantity],
  );
  if (rows.length === 0) throw new OutOfStockError(order.sku, order.quantity);
  return Number(rows[0]!.id);
}
// #endregion single-statement
