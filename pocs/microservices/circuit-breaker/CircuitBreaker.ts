import { callWithTimeout } from './callWithTimeout.ts';
import { BrokenCircuitError, CallTimeoutError } from './errors.ts';
import { RollingWindow, type WindowTotals } from './RollingWindow.ts';
import { TypedEmitter } from './TypedEmitter.ts';

export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Shown in errors and events, e.g. the dependency's name. Default 'circuit'. */
  name?: string;
  /** Open when at least this share of the calls in the window failed, 0 < x <= 1. Default 0.5. */
  failureRateThreshold?: number;
  /** Never open on fewer calls than this in the window: 2 failures out of 2 is noise, not an outage. Default 20. */
  minimumRequests?: number;
  /** Length of the rolling window of outcomes. Default 10 000 ms. */
  windowMs?: number;
  /** Buckets the window is cut into; outcomes expire one bucket at a time. Default 10. */
  buckets?: number;
  /** Cool-down: how long the circuit stays open before one probe call may test the dependency. Default 5 000 ms. */
  openMs?: number;
  /**
   * Per-call deadline. A call still running after it is aborted (via its AbortSignal) and counts as a
   * failure: a dependency that hangs is the most expensive way to fail. 0 disables. Default 10 000 ms.
   */
  timeoutMs?: number;
  /**
   * Which errors say "the dependency is unhealthy". Return false for errors that are the caller's fault
   * (validation, 404, 409): they are passed through, never trip the breaker, and count as a working
   * dependency. Timeouts always count. Default: every error is a failure.
   */
  isFailure?: (error: unknown) => boolean;
  /** Clock in ms. Default Date.now (which Vitest's fake timers control). */
  now?: () => number;
}

export interface ExecuteOptions<T> {
  /** The caller's own cancellation. Aborting it aborts the call; a cancelled call is not counted either way. */
  signal?: AbortSignal;
  /**
   * Answer to use instead of an error when the call is rejected (circuit open) or fails (counted failure or
   * timeout). Receives that error. Errors that `isFailure` excludes are re-thrown, not hidden by the fallback.
   */
  fallback?: (error: unknown) => T | Promise<T>;
}

export interface StateChangeEvent {
  from: CircuitState;
  to: CircuitState;
  /** Why, in words: the failure rate that tripped it, the elapsed cool-down, the probe's outcome. */
  reason: string;
  at: number;
}

export interface CircuitBreakerEvents {
  stateChange: StateChangeEvent;
  success: { durationMs: number; probe: boolean };
  failure: { error: unknown; durationMs: number; probe: boolean };
  /** The call threw an error `isFailure` says is not the dependency's fault. */
  ignored: { error: unknown; durationMs: number };
  rejected: { error: BrokenCircuitError };
  timeout: { error: CallTimeoutError };
}

export interface CircuitStats {
  name: string;
  state: CircuitState;
  /** Outcomes in the rolling window (closed state only; reset when the circuit closes). */
  window: WindowTotals;
  /** When the circuit last opened, or null. */
  openedAt: number | null;
  /** While open: ms until a probe is allowed. */
  retryAfterMs: number;
  probeInFlight: boolean;
  /** Lifetime counters. */
  calls: number;
  successes: number;
  failures: number;
  timeouts: number;
  rejected: number;
  ignored: number;
  fallbacks: number;
}

/** Passed to callees when neither a timeout nor a caller signal applies: never aborts, costs nothing. */
const NEVER_ABORTED = new AbortController().signal;
const CALL = 0;
const PROBE = 1;

/**
 * A circuit breaker with a failure-rate threshold over a rolling time window, a cool-down, and a
 * single-probe half-open state. `execute(fn)` runs `fn(signal)` when the circuit allows it and rejects
 * fast (BrokenCircuitError, without calling `fn`) when it does not.
 */
export class CircuitBreaker {
  readonly name: string;
  private readonly threshold: number;
  private readonly minimumRequests: number;
  private readonly windowMs: number;
  private readonly openMs: number;
  private readonly timeoutMs: number;
  private readonly isFailure: (error: unknown) => boolean;
  private readonly now: () => number;
  private readonly window: RollingWindow;
  private readonly events = new TypedEmitter<CircuitBreakerEvents>();

  private current: CircuitState = 'closed';
  private openedAt: number | null = null;
  private openReason = '';
  private probeInFlight = false;
  private disposed = false;
  private readonly counters = {
    calls: 0,
    successes: 0,
    failures: 0,
    timeouts: 0,
    rejected: 0,
    ignored: 0,
    fallbacks: 0,
  };

  constructor(options: CircuitBreakerOptions = {}) {
    this.name = options.name ?? 'circuit';
    this.threshold = options.failureRateThreshold ?? 0.5;
    this.minimumRequests = options.minimumRequests ?? 20;
    this.windowMs = options.windowMs ?? 10_000;
    this.openMs = options.openMs ?? 5_000;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.isFailure = options.isFailure ?? (() => true);
    this.now = options.now ?? Date.now;
    if (!(this.threshold > 0 && this.threshold <= 1)) {
      throw new RangeError(`failureRateThreshold must be in (0, 1], e.g. 0.5 for 50%; got ${this.threshold}`);
    }
    if (!Number.isInteger(this.minimumRequests) || this.minimumRequests < 1) {
      throw new RangeError(`minimumRequests must be a positive integer; got ${this.minimumRequests}`);
    }
    if (!(this.openMs >= 0) || !(this.timeoutMs >= 0)) {
      throw new RangeError(`openMs and timeoutMs must be >= 0 (timeoutMs 0 disables the timeout)`);
    }
    this.window = new RollingWindow({
      windowMs: this.windowMs,
      buckets: options.buckets ?? 10,
      now: this.now,
    });
  }

  get state(): CircuitState {
    return this.current;
  }

  on<K extends keyof CircuitBreakerEvents>(
    event: K,
    listener: (e: CircuitBreakerEvents[K]) => void,
  ): () => void {
    return this.events.on(event, listener);
  }

  // #region execute
  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, options?: ExecuteOptions<T>): Promise<T> {
    if (this.disposed) throw new Error(`circuit "${this.name}" is disposed: create a new CircuitBreaker`);
    const permit = this.admit();
    if (permit instanceof BrokenCircuitError) {
      // Fail fast: the dependency is not called at all. This is the load the breaker sheds.
      this.counters.rejected++;
      this.events.emit('rejected', { error: permit });
      if (options?.fallback) return this.useFallback(options.fallback, permit);
      throw permit;
    }

    const probe = permit === PROBE;
    const signal = options?.signal;
    // Like cockatiel, read the clock for a duration only when someone listens for durations.
    const start = this.timed() ? this.now() : Number.NaN;
    this.counters.calls++;
    try {
      // Fast path when there is nothing to race against: no timer, no controller, a shared dummy signal.
      const value =
        this.timeoutMs > 0 || signal
          ? await callWithTimeout(fn, this.timeoutMs, { signal, what: `call through circuit "${this.name}"` })
          : await fn(NEVER_ABORTED);
      this.onSuccess(probe, start);
      return value;
    } catch (error) {
      if (signal?.aborted && error === signal.reason) {
        // The caller gave up: says nothing about the dependency's health, so record nothing.
        if (probe) this.probeInFlight = false;
        throw error;
      }
      if (!(error instanceof CallTimeoutError) && !this.isFailure(error)) {
        // The dependency answered; the answer was "no" (e.g. 404). Healthy, so count it as a success.
        this.counters.ignored++;
        this.events.emit('ignored', { error, durationMs: this.since(start) });
        this.onSuccess(probe, start, false);
        throw error;
      }
      this.onFailure(error, probe, start);
      if (options?.fallback) return this.useFallback(options.fallback, error);
      throw error;
    }
  }
  // #endregion execute

  // #region state-machine
  /** Decides, before calling anything, whether this call may go through, and as what. */
  private admit(): typeof CALL | typeof PROBE | BrokenCircuitError {
    if (this.current === 'closed') return CALL;
    if (this.current === 'open') {
      const waited = this.now() - (this.openedAt ?? 0);
      if (waited < this.openMs) {
        return new BrokenCircuitError(this.name, 'open', this.openMs - waited, this.openReason);
      }
      // The cool-down is checked lazily, on the next call, rather than by a timer: an idle breaker costs
      // nothing and there is no timer to leak or to fight with fake clocks.
      this.transition('half-open', `cool-down of ${this.openMs} ms elapsed: letting one probe call through`);
    }
    // Half-open: exactly one probe. Everyone else is rejected at once instead of queueing behind it, so a
    // recovering dependency sees one request, not a thundering herd, and callers do not wait on a probe.
    if (this.probeInFlight) {
      return new BrokenCircuitError(
        this.name,
        'half-open',
        0,
        'a probe call is already testing the dependency',
      );
    }
    this.probeInFlight = true;
    return PROBE;
  }

  private onSuccess(probe: boolean, start: number, emit = true): void {
    const end = this.now();
    if (emit) {
      this.counters.successes++;
      if (this.events.has('success'))
        this.events.emit('success', { durationMs: this.since(start, end), probe });
    }
    if (probe) {
      this.transition('closed', 'probe call succeeded: the dependency answers again');
    } else if (this.current === 'closed') {
      this.window.record(true, end);
    }
    // A call admitted while closed that finishes after the circuit opened is ignored: its news is stale.
  }

  private onFailure(error: unknown, probe: boolean, start: number): void {
    this.counters.failures++;
    if (error instanceof CallTimeoutError) {
      this.counters.timeouts++;
      this.events.emit('timeout', { error });
    }
    this.events.emit('failure', { error, durationMs: this.since(start), probe });
    if (probe) {
      this.openReason = `the probe call failed (${describe(error)})`;
      this.transition('open', `${this.openReason}: cooling down another ${this.openMs} ms`);
      return;
    }
    if (this.current !== 'closed') return;
    this.window.record(false);
    const totals = this.window.totals();
    // Volume first: without it, 1 failure out of 1 call is a 100% failure rate.
    if (totals.total >= this.minimumRequests && totals.failureRate >= this.threshold) {
      this.openReason =
        `${totals.failures} of the last ${totals.total} calls failed within ${this.windowMs} ms ` +
        `(${pct(totals.failureRate)} >= ${pct(this.threshold)})`;
      this.transition('open', this.openReason);
    }
  }
  // #endregion state-machine

  private timed(): boolean {
    return this.events.has('success') || this.events.has('failure') || this.events.has('ignored');
  }

  /** Duration of a call; 0 if nobody was listening when it started (its start was not read). */
  private since(start: number, end = this.now()): number {
    return Number.isNaN(start) ? 0 : end - start;
  }

  private transition(to: CircuitState, reason: string): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    const at = this.now();
    if (to === 'open') {
      this.openedAt = at;
      this.probeInFlight = false;
    } else if (to === 'closed') {
      // Start from a clean slate: the failures that opened the circuit must not re-open it right away.
      this.window.reset();
      this.probeInFlight = false;
    }
    this.events.emit('stateChange', { from, to, reason, at });
  }

  private async useFallback<T>(fallback: (error: unknown) => T | Promise<T>, error: unknown): Promise<T> {
    this.counters.fallbacks++;
    return fallback(error);
  }

  stats(): CircuitStats {
    const retryAfterMs =
      this.current === 'open' ? Math.max(0, this.openMs - (this.now() - (this.openedAt ?? 0))) : 0;
    return {
      name: this.name,
      state: this.current,
      window: this.window.totals(),
      openedAt: this.openedAt,
      retryAfterMs,
      probeInFlight: this.probeInFlight,
      ...this.counters,
    };
  }

  /**
   * Stops accepting calls and drops all listeners. The breaker owns no timers (cool-down is lazy and each
   * call's timeout timer is cleared when the call settles), so there is nothing else to release.
   */
  dispose(): void {
    this.disposed = true;
    this.events.removeAll();
  }
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.split('. ')[0]}` : String(error);
}
