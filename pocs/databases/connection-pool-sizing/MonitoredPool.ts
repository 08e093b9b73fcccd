import { DatabaseError, Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { LatencyRecorder, type LatencySummary } from '../../../src/lab/index.ts';

export interface MonitoredPoolOptions {
  connectionString: string;
  /** Shown in metrics and error messages; name pools after what they serve ("api", "reports"). */
  name?: string;
  /** Most connections the pool opens. Default 10 (pg's own default). */
  max?: number;
  /**
   * How long a caller may wait for a connection before it gets a PoolCheckoutTimeoutError. Default 1000.
   * 0 means wait forever: that is pg's default, and it turns an exhausted pool into requests that hang.
   */
  checkoutTimeoutMs?: number;
  /** PostgreSQL `statement_timeout` for every connection, in ms: the server cancels longer statements. 0 = off. */
  statementTimeoutMs?: number;
  /** Close a connection that sat idle this long. Default 10_000 (pg's default). */
  idleTimeoutMs?: number;
  /** `application_name` the server shows in pg_stat_activity: lets you find this pool's connections. */
  applicationName?: string;
}

/** Point-in-time gauges and cumulative counters (since creation or resetStats()). */
export interface PoolSnapshot {
  name: string;
  max: number;
  /** Connections open or opening (pg totalCount). */
  total: number;
  /** Open connections nobody has checked out (pg idleCount). */
  idle: number;
  /** Connections checked out right now (counted by the wrapper, exact). */
  inUse: number;
  /** Callers queued because every connection is in use (pg waitingCount). */
  waiting: number;
  /** Age of the oldest checkout still waiting, in ms; 0 when nobody waits. */
  oldestWaitMs: number;
  checkouts: number;
  checkoutTimeouts: number;
  /** Checkouts that failed for another reason: connection refused, aborted by the caller. */
  checkoutErrors: number;
  /** Calls to query(), including those that failed before reaching the server (checkout timeout). */
  queries: number;
  queryErrors: number;
  /** Statements PostgreSQL cancelled because of statement_timeout (SQLSTATE 57014). */
  statementTimeouts: number;
  /** Errors on idle connections (server restart, network): pg drops those connections. */
  backgroundErrors: number;
  /** Time callers waited for a connection, including waits that ended in a timeout. */
  acquireWait: LatencySummary;
  /** Time a connection stayed checked out: the "service time" Little's law needs. */
  hold: LatencySummary;
}

/** What the pool reports as it works; a sampler or a metrics exporter subscribes to these. */
export type PoolEvent =
  | { type: 'checkout'; waitMs: number }
  | { type: 'checkout-timeout'; waitMs: number }
  | { type: 'release'; holdMs: number }
  | { type: 'statement-timeout' };

export interface CallOptions {
  /** Abort the wait for a connection (the query itself is bounded by statement_timeout). */
  signal?: AbortSignal;
}

/** The pool had no free connection within checkoutTimeoutMs. */
export class PoolCheckoutTimeoutError extends Error {
  readonly pool: string;
  readonly waitedMs: number;

  constructor(pool: string, waitedMs: number, state: { max: number; inUse: number; waiting: number }) {
    super(
      `${pool}: no connection within ${Math.round(waitedMs)} ms (max ${state.max}, ${state.inUse} in use, ` +
        `${state.waiting} waiting). The pool is exhausted: find what holds connections (slow queries -> ` +
        'statement_timeout or a separate pool; long transactions) or size it with recommendedPoolSize().',
    );
    this.name = 'PoolCheckoutTimeoutError';
    this.pool = pool;
    this.waitedMs = waitedMs;
  }
}

/** pg-pool rejects a queued checkout with exactly this message when connectionTimeoutMillis passes. */
const PG_CHECKOUT_TIMEOUT = 'timeout exceeded when trying to connect';

export function isStatementTimeout(error: unknown): boolean {
  // 57014 is query_canceled; it is also used for pg_cancel_backend, hence the message check.
  return error instanceof DatabaseError && error.code === '57014' && /statement timeout/.test(error.message);
}

/**
 * A pg.Pool that measures itself: how many connections are busy, who waits and how long, how long
 * connections are held. Those are the numbers that tell "the pool is too small" apart from
 * "something is holding connections", which look the same from the outside: requests time out.
 */
export class MonitoredPool {
  readonly name: string;
  readonly max: number;
  readonly checkoutTimeoutMs: number;
  private readonly pool: Pool;
  private readonly listeners = new Set<(event: PoolEvent) => void>();
  /** Start times of checkouts in progress; a Map keeps insertion order, so the first is the oldest. */
  private readonly pending = new Map<symbol, number>();
  private readonly acquireWait = new LatencyRecorder();
  private readonly hold = new LatencyRecorder();
  private inUse = 0;
  private counters = MonitoredPool.zeroCounters();
  private closing: Promise<void> | null = null;

  constructor(options: MonitoredPoolOptions) {
    this.name = options.name ?? 'pool';
    this.max = options.max ?? 10;
    this.checkoutTimeoutMs = options.checkoutTimeoutMs ?? 1000;
    if (!Number.isInteger(this.max) || this.max < 1)
      throw new Error(`${this.name}: max must be an integer >= 1`);
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: this.max,
      // pg uses one option for both "open a new connection" and "wait in the queue for one".
      connectionTimeoutMillis: this.checkoutTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
      statement_timeout: options.statementTimeoutMs ?? 0,
      application_name: options.applicationName ?? `sdlab-${this.name}`,
    });
    // Without a listener, an error on an idle connection (e.g. the server restarts) crashes the process.
    this.pool.on('error', () => {
      this.counters.backgroundErrors++;
    });
  }

  private static zeroCounters() {
    return {
      checkouts: 0,
      checkoutTimeouts: 0,
      checkoutErrors: 0,
      queries: 0,
      queryErrors: 0,
      statementTimeouts: 0,
      backgroundErrors: 0,
    };
  }

  /** Run one statement on a pooled connection. */
  async query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
    options: CallOptions = {},
  ): Promise<QueryResult<R>> {
    this.counters.queries++;
    try {
      return await this.withClient((client) => client.query<R>(text, values), options);
    } catch (error) {
      this.counters.queryErrors++;
      throw error;
    }
  }

  // #region checkout
  /**
   * Check out a connection, run `fn`, and always give the connection back. Use this for
   * transactions (several statements on one connection); use query() for a single statement.
   */
  async withClient<T>(fn: (client: PoolClient) => Promise<T>, options: CallOptions = {}): Promise<T> {
    const client = await this.checkout(options.signal);
    const heldSince = performance.now();
    this.inUse++;
    let failure: unknown;
    try {
      return await fn(client);
    } catch (error) {
      failure = error;
      if (isStatementTimeout(error)) {
        this.counters.statementTimeouts++;
        this.emit({ type: 'statement-timeout' });
      }
      throw error;
    } finally {
      this.inUse--;
      const holdMs = performance.now() - heldSince;
      this.hold.recordMs(holdMs);
      this.emit({ type: 'release', holdMs });
      // A server error (DatabaseError) leaves the connection usable; anything else (socket closed,
      // protocol error) may not, so hand the error to pg, which then discards the connection.
      const broken = failure !== undefined && !(failure instanceof DatabaseError);
      client.release(broken ? (failure instanceof Error ? failure : new Error(String(failure))) : undefined);
    }
  }

  private async checkout(signal?: AbortSignal): Promise<PoolClient> {
    if (this.closing) throw new Error(`${this.name}: the pool is closed; create a new MonitoredPool`);
    signal?.throwIfAborted();
    const token = Symbol('checkout');
    const start = performance.now();
    this.pending.set(token, start);
    const connecting = this.pool.connect();
    try {
      const client = await (signal ? abortable(connecting, signal) : connecting);
      const waitMs = performance.now() - start;
      this.acquireWait.recordMs(waitMs);
      this.counters.checkouts++;
      this.emit({ type: 'checkout', waitMs });
      return client;
    } catch (error) {
      const waitMs = performance.now() - start;
      // A timed-out wait is still a wait the caller sat through: keep it in the histogram.
      this.acquireWait.recordMs(waitMs);
      if (signal?.aborted) {
        // pg cannot withdraw a queued checkout: when the connection arrives, hand it straight back.
        connecting.then(
          (client) => client.release(),
          () => {},
        );
        this.counters.checkoutErrors++;
        throw signal.reason;
      }
      if (error instanceof Error && error.message === PG_CHECKOUT_TIMEOUT) {
        this.counters.checkoutTimeouts++;
        this.emit({ type: 'checkout-timeout', waitMs });
        throw new PoolCheckoutTimeoutError(this.name, waitMs, {
          max: this.max,
          inUse: this.inUse,
          waiting: this.pool.waitingCount,
        });
      }
      this.counters.checkoutErrors++;
      throw error;
    } finally {
      this.pending.delete(token);
    }
  }
  // #endregion checkout

  // #region snapshot
  snapshot(): PoolSnapshot {
    const oldest = this.pending.values().next();
    return {
      name: this.name,
      max: this.max,
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      inUse: this.inUse,
      waiting: this.pool.waitingCount,
      oldestWaitMs: oldest.done ? 0 : performance.now() - oldest.value,
      ...this.counters,
      acquireWait: this.acquireWait.summary(),
      hold: this.hold.summary(),
    };
  }
  // #endregion snapshot

  /** Listen to checkouts, timeouts and releases. Returns the unsubscribe function. */
  subscribe(listener: (event: PoolEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Open `count` connections now (default: max) so a measurement does not include connection set-up.
   * pg opens connections lazily; its `min` option only keeps them, it does not pre-open them.
   */
  async prewarm(count = this.max): Promise<void> {
    const clients = await Promise.all(
      Array.from({ length: Math.min(count, this.max) }, () => this.pool.connect()),
    );
    for (const client of clients) client.release();
  }

  /** Zero the counters and histograms (not the gauges), e.g. between two phases of a measurement. */
  resetStats(): void {
    this.counters = MonitoredPool.zeroCounters();
    this.acquireWait.reset();
    this.hold.reset();
  }

  /** Waits for checked-out connections to come back, then closes every connection. Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.pool.end();
    return this.closing;
  }

  private emit(event: PoolEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
