import type { CircuitState } from './CircuitBreaker.ts';

/**
 * Thrown (or handed to the fallback) when the breaker refuses a call without running it: the circuit
 * is open, or it is half-open and its single probe is already in flight. The dependency was NOT called,
 * so the caller may safely serve a fallback, retry later, or fail the request with 503.
 */
export class BrokenCircuitError extends Error {
  override readonly name = 'BrokenCircuitError';
  readonly circuit: string;
  readonly state: CircuitState;
  /** Milliseconds until the breaker lets a probe through (0 when a probe is running right now). */
  readonly retryAfterMs: number;

  constructor(circuit: string, state: CircuitState, retryAfterMs: number, why: string) {
    super(
      `circuit "${circuit}" is ${state}: ${why}. The call was rejected without reaching the dependency; ` +
        (retryAfterMs > 0
          ? `a probe call will be allowed in ${Math.ceil(retryAfterMs)} ms. `
          : 'a probe call is testing the dependency right now. ') +
        'Serve a fallback or fail fast (e.g. HTTP 503 with Retry-After).',
    );
    this.circuit = circuit;
    this.state = state;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Thrown when the wrapped call did not settle within `timeoutMs`. The AbortSignal handed to the call has
 * been aborted with this error as its reason, so a callee that honours the signal stops its work too.
 */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number) {
    super(
      `${what} did not answer within ${timeoutMs} ms and was aborted. ` +
        'It counts as a failure: raise timeoutMs only if the dependency is legitimately that slow.',
    );
    this.timeoutMs = timeoutMs;
  }
}
