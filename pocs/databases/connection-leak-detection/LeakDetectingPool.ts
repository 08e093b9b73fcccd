import { fileURLToPath } from 'node:url';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { type AcquireSite, captureAcquireSite, resolveAcquireSite } from './acquireSite.ts';

export type { AcquireSite } from './acquireSite.ts';

export interface LeakDetectingPoolOptions {
  connectionString: string;
  /** Shown in reports and errors; name pools after what they serve ("api", "orders"). */
  name?: string;
  /** Most connections the pool opens. Default 10 (pg's own default). */
  max?: number;
  /**
   * How long a caller may wait for a connection before it gets a PoolExhaustedError. Default 1000.
   * Never 0 here: with leaks, "wait forever" turns a leak into hung requests instead of errors.
   */
  checkoutTimeoutMs?: number;
  /**
   * A connection checked out longer than this is reported as a suspected leak. Set it above the
   * longest legitimate hold (your slowest transaction), or slow work is reported too. Default 10_000.
   */
  leakThresholdMs?: number;
  /** How often checked-out connections are inspected. Default: a quarter of the threshold, at most 1 s. */
  checkIntervalMs?: number;
  /** Called once per suspected leak, with the stack of the code that checked the connection out. */
  onLeak?: (leak: LeakReport) => void;
  /**
   * Files whose frames are skipped when naming the acquiring line, e.g. your own data-access helper,
   * so the report names its caller. This file is always skipped.
   */
  skipFiles?: string[];
  /** Close a connection that sat idle this long. Default 10_000 (pg's default). */
  idleTimeoutMs?: number;
  /** `application_name` the server shows in pg_stat_activity. */
  applicationName?: string;
  /** Server options for every connection, e.g. `-c search_path=myschema` (pg's `options`). */
  serverOptions?: string;
}

/** One suspected leak: who checked the connection out, and how long ago. */
export interface LeakReport {
  pool: string;
  checkoutId: number;
  heldMs: number;
  /** The first frame outside the pool wrapper: the line that called connect() (or query()). */
  acquiredAt: AcquireSite;
  /** The whole stack at checkout, for the log. */
  stack: string;
}

export type LeakEvent =
  | { type: 'leak'; report: LeakReport }
  /** A connection reported as leaked came back after all: the threshold is below a legitimate hold. */
  | { type: 'late-release'; checkoutId: number; heldMs: number; acquiredAt: AcquireSite }
  | { type: 'reclaimed'; checkoutId: number; heldMs: number; acquiredAt: AcquireSite };

export interface LeakSnapshot {
  name: string;
  max: number;
  /** Connections checked out right now. */
  checkedOut: number;
  /** Checked-out connections past the threshold right now (reported, not yet released or reclaimed). */
  currentlyLeaked: number;
  /** Suspected leaks reported since the pool was created. */
  leaksDetected: number;
  /** Reported leaks that were released later (false alarms, or very slow work). */
  lateReleases: number;
  /** Leaked connections destroyed by reclaimLeaked(). */
  reclaimed: number;
  /** Age of the oldest connection still checked out, in ms (0 when none is). */
  longestCheckoutMs: number;
  /** Where the oldest checked-out connection was acquired (file:line:column). */
  longestCheckoutSite: string | null;
  /** Longest hold of a connection that was released, in ms. */
  maxHoldMs: number;
  checkouts: number;
  checkoutTimeouts: number;
}

/** The pool had no free connection within checkoutTimeoutMs; names who holds the connections. */
export class PoolExhaustedError extends Error {
  readonly pool: string;
  readonly holders: { heldMs: number; acquiredAt: string }[];

  constructor(
    pool: string,
    waitedMs: number,
    max: number,
    holders: { heldMs: number; acquiredAt: string }[],
  ) {
    const top = holders
      .slice(0, 3)
      .map((h) => `${Math.round(h.heldMs)} ms at ${h.acquiredAt}`)
      .join('; ');
    super(
      `${pool}: no connection within ${Math.round(waitedMs)} ms; ${holders.length} of ${max} checked out ` +
        `(oldest: ${top || 'none'}). If these holders never finish, they leaked: release in a finally ` +
        'block, or use pool.query() for single statements.',
    );
    this.name = 'PoolExhaustedError';
    this.pool = pool;
    this.holders = holders;
  }
}

/** pg-pool rejects a queued checkout with exactly this message when connectionTimeoutMillis passes. */
const PG_CHECKOUT_TIMEOUT = 'timeout exceeded when trying to connect';
const THIS_FILE = fileURLToPath(import.meta.url);

interface Checkout {
  id: number;
  client: PoolClient;
  since: number;
  /** Captured at checkout, resolved into a file:line only when someone asks (formatting costs more). */
  trace: { stack?: string };
  reported: boolean;
  /** pg's own release for this checkout (pg-pool assigns a fresh one on every checkout). */
  release: (err?: Error | boolean) => void;
}

/**
 * A pg.Pool that remembers, for every checked-out connection, when and where it was checked out, and
 * reports the ones held past a threshold with the caller's file:line. A leak (a code path that never
 * calls release()) otherwise shows up only as a pool that slowly stops handing out connections.
 */
export class LeakDetectingPool {
  readonly name: string;
  readonly max: number;
  readonly checkoutTimeoutMs: number;
  readonly leakThresholdMs: number;
  private readonly pool: Pool;
  private readonly skipFiles: Set<string>;
  private readonly out = new Map<number, Checkout>();
  private readonly listeners = new Set<(event: LeakEvent) => void>();
  private readonly timer: NodeJS.Timeout;
  private readonly onLeak?: (leak: LeakReport) => void;
  private nextId = 0;
  private closing: Promise<void> | null = null;
  private counters = { checkouts: 0, checkoutTimeouts: 0, leaksDetected: 0, lateReleases: 0, reclaimed: 0 };
  private maxHoldMs = 0;

  constructor(options: LeakDetectingPoolOptions) {
    this.name = options.name ?? 'pool';
    this.max = options.max ?? 10;
    this.checkoutTimeoutMs = options.checkoutTimeoutMs ?? 1000;
    this.leakThresholdMs = options.leakThresholdMs ?? 10_000;
    if (!Number.isInteger(this.max) || this.max < 1)
      throw new Error(`${this.name}: max must be an integer >= 1`);
    if (!(this.checkoutTimeoutMs > 0))
      throw new Error(`${this.name}: checkoutTimeoutMs must be > 0 (0 would let callers wait forever)`);
    if (!(this.leakThresholdMs > 0)) throw new Error(`${this.name}: leakThresholdMs must be > 0`);
    this.onLeak = options.onLeak;
    this.skipFiles = new Set([THIS_FILE, ...(options.skipFiles ?? [])]);
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: this.max,
      connectionTimeoutMillis: this.checkoutTimeoutMs,
      idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
      application_name: options.applicationName ?? `sdlab-${this.name}`,
      ...(options.serverOptions ? { options: options.serverOptions } : {}),
    });
    // Without a listener, an error on an idle connection (e.g. the server restarts) crashes the process.
    this.pool.on('error', () => {});
    const interval = options.checkIntervalMs ?? Math.min(1000, this.leakThresholdMs / 4);
    this.timer = setInterval(() => this.checkNow(), interval);
    this.timer.unref(); // the detector must never keep a process alive on its own
  }

  // #region checkout
  /**
   * Check out a connection; the caller must call client.release(). Records where it was called from:
   * the stack is captured on every checkout, because that is the only moment the leaking line is
   * on it (V8 formats it lazily, only for reported checkouts; the demo measures the capture's cost).
   */
  async connect(): Promise<PoolClient> {
    if (this.closing) throw new Error(`${this.name}: the pool is closed; create a new LeakDetectingPool`);
    const trace = captureAcquireSite();
    const start = performance.now();
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      if (error instanceof Error && error.message === PG_CHECKOUT_TIMEOUT) {
        this.counters.checkoutTimeouts++;
        throw new PoolExhaustedError(this.name, performance.now() - start, this.max, this.holders());
      }
      throw error;
    }
    const checkout: Checkout = {
      id: ++this.nextId,
      client,
      since: performance.now(),
      trace,
      reported: false,
      release: client.release,
    };
    this.out.set(checkout.id, checkout);
    this.counters.checkouts++;
    client.release = (err?: Error | boolean) => {
      this.untrack(checkout);
      client.release = checkout.release; // a second release() hits pg's own double-release error
      checkout.release(err);
    };
    return client;
  }

  private untrack(checkout: Checkout): void {
    if (!this.out.delete(checkout.id)) return;
    const heldMs = performance.now() - checkout.since;
    this.maxHoldMs = Math.max(this.maxHoldMs, heldMs);
    if (checkout.reported) {
      this.counters.lateReleases++;
      this.emit({ type: 'late-release', checkoutId: checkout.id, heldMs, acquiredAt: this.siteOf(checkout) });
    }
  }
  // #endregion checkout

  /** One statement on a pooled connection that is always released: the shape that cannot leak. */
  async query<R extends QueryResultRow = QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<QueryResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(text, values);
    } finally {
      client.release();
    }
  }

  // #region detect
  /** Report every connection held past the threshold that has not been reported yet. Runs on a timer. */
  checkNow(): LeakReport[] {
    const now = performance.now();
    const found: LeakReport[] = [];
    for (const checkout of this.out.values()) {
      const heldMs = now - checkout.since;
      if (checkout.reported || heldMs < this.leakThresholdMs) continue;
      checkout.reported = true; // once per checkout: a leak is one event, not one per tick
      this.counters.leaksDetected++;
      const report: LeakReport = {
        pool: this.name,
        checkoutId: checkout.id,
        heldMs,
        acquiredAt: this.siteOf(checkout),
        stack: checkout.trace.stack ?? '',
      };
      found.push(report);
      this.onLeak?.(report);
      this.emit({ type: 'leak', report });
    }
    return found;
  }
  // #endregion detect

  /**
   * Recovery, not a fix: destroy the connections reported as leaked, so the pool can open new ones.
   * pg closes a connection released with an error; the server rolls back its open transaction. Code
   * still holding the client gets "connection was reclaimed" if it calls release() later.
   */
  reclaimLeaked(): number {
    let count = 0;
    for (const checkout of [...this.out.values()]) {
      if (!checkout.reported) continue;
      this.reclaim(checkout);
      count++;
    }
    return count;
  }

  private reclaim(checkout: Checkout): void {
    this.out.delete(checkout.id);
    const heldMs = performance.now() - checkout.since;
    const acquiredAt = this.siteOf(checkout);
    checkout.client.release = () => {
      throw new Error(`${this.name}: connection acquired at ${acquiredAt.text} was reclaimed as leaked`);
    };
    checkout.release(new Error(`reclaimed by the leak detector after ${Math.round(heldMs)} ms`));
    this.counters.reclaimed++;
    this.emit({ type: 'reclaimed', checkoutId: checkout.id, heldMs, acquiredAt });
  }

  /** Who holds connections right now, oldest first. */
  holders(): { heldMs: number; acquiredAt: string }[] {
    const now = performance.now();
    return [...this.out.values()].map((c) => ({ heldMs: now - c.since, acquiredAt: this.siteOf(c).text }));
  }

  // #region snapshot
  snapshot(): LeakSnapshot {
    const oldest = this.out.values().next();
    const now = performance.now();
    let currentlyLeaked = 0;
    for (const c of this.out.values()) if (c.reported) currentlyLeaked++;
    return {
      name: this.name,
      max: this.max,
      checkedOut: this.out.size,
      currentlyLeaked,
      leaksDetected: this.counters.leaksDetected,
      lateReleases: this.counters.lateReleases,
      reclaimed: this.counters.reclaimed,
      longestCheckoutMs: oldest.done ? 0 : now - oldest.value.since,
      longestCheckoutSite: oldest.done ? null : this.siteOf(oldest.value).text,
      maxHoldMs: this.maxHoldMs,
      checkouts: this.counters.checkouts,
      checkoutTimeouts: this.counters.checkoutTimeouts,
    };
  }
  // #endregion snapshot

  /** Listen to leak reports, late releases and reclaims. Returns the unsubscribe function. */
  subscribe(listener: (event: LeakEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Stops the detector and closes every connection. Connections still checked out are destroyed
   * first: pg's end() waits for every checked-out client, so one leak would make it wait forever.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      for (const checkout of [...this.out.values()]) {
        checkout.reported = true;
        this.reclaim(checkout);
      }
      await this.pool.end();
    })();
    return this.closing;
  }

  private siteOf(checkout: Checkout): AcquireSite {
    return resolveAcquireSite(checkout.trace.stack ?? '', this.skipFiles);
  }

  private emit(event: LeakEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
