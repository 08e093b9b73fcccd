import type { IncomingHttpHeaders } from 'node:http';

/**
 * The budget travels as "milliseconds left", like gRPC's `grpc-timeout`, not as a wall-clock instant:
 * hosts' clocks disagree, durations do not. The cost is that time on the wire is not subtracted; the
 * caller's own abort covers that gap (it closes the connection, and the callee stops).
 */
export const DEADLINE_HEADER = 'x-deadline-ms';
export const REQUEST_ID_HEADER = 'x-request-id';

/** The budget a request arrived with, or undefined when the caller sent none (or garbage). */
export function readBudgetMs(headers: IncomingHttpHeaders): number | undefined {
  const raw = headers[DEADLINE_HEADER];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || !/^-?\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

// #region deadline
/** A point in this process's monotonic time after which nobody is waiting for the answer. */
export class Deadline {
  readonly at: number;

  private constructor(at: number) {
    this.at = at;
  }

  /** Starts the clock on arrival: every ms this hop spends from now on comes out of the budget. */
  static after(budgetMs: number, now = performance.now()): Deadline {
    return new Deadline(now + budgetMs);
  }

  remainingMs(now = performance.now()): number {
    return this.at - now;
  }

  /** What to send downstream: what is left *now*, after this hop's own work, rounded down. */
  headerValue(now = performance.now()): string {
    return String(Math.max(0, Math.floor(this.remainingMs(now))));
  }

  /** Aborts when the budget runs out; combine it with "my caller went away" via AbortSignal.any. */
  signal(): AbortSignal {
    return AbortSignal.timeout(Math.max(0, Math.floor(this.remainingMs())));
  }
}
// #endregion deadline

/** Raised when a hop receives (or is left with) less budget than the smallest useful piece of work. */
export class BudgetSpentError extends Error {
  override readonly name = 'BudgetSpentError';
  readonly remainingMs: number;
  constructor(hop: string, remainingMs: number) {
    super(
      `${hop}: only ${Math.round(remainingMs)} ms of the caller's budget left; refusing work nobody will wait for. ` +
        'Raise the caller deadline or make the chain faster.',
    );
    this.remainingMs = remainingMs;
  }
}

/** Below this many ms a hop does not start: the answer could not get back in time anyway. */
export const MIN_USEFUL_BUDGET_MS = 5;
