import {
  BrokenCircuitError,
  type CircuitBreakerPolicy,
  ConsecutiveBreaker,
  circuitBreaker,
  handleAll,
} from 'cockatiel';
import { retry } from '../exponential-backoff-jitter/retry.ts';
import { callerGone, listen, sendJson } from './http.ts';
import { RetryBudget } from './RetryBudget.ts';

/** Retries per layer: user → A, A → B, B → C. */
export interface RetryPlacement {
  client: number;
  a: number;
  b: number;
  /** B's retries to C draw on a shared gRPC-style retry budget. */
  budget?: boolean;
  /** B calls C through a cockatiel circuit breaker (opens after 5 consecutive failures). */
  breaker?: boolean;
}

export interface AmplificationResult {
  userRequests: number;
  callsAtA: number;
  callsAtB: number;
  callsAtC: number;
  /** Calls that reached C per user request. */
  factor: number;
  /** (client + 1) × (a + 1) × (b + 1): the worst case when every call fails. */
  expectedFactor: number;
  failedUserRequests: number;
  meanUserWaitMs: number;
}

/** A non-2xx answer, kept as an error so the retry predicate can look at the status. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  readonly status: number;
  constructor(url: string, status: number) {
    super(`${url} answered ${status}`);
    this.status = status;
  }
}

/** Worth retrying: 5xx and network errors. Never an open breaker: that is the point of the breaker. */
const isRetryable = (e: unknown) =>
  !(e instanceof BrokenCircuitError) && (!(e instanceof HttpStatusError) || e.status >= 500);

async function call(url: string, signal?: AbortSignal): Promise<string> {
  const response = await fetch(url, signal ? { signal } : {});
  const body = await response.text();
  if (!response.ok) throw new HttpStatusError(url, response.status);
  return body;
}

// #region layer-retry
/** One layer's downstream call: `retries` retries with a short full-jitter backoff, optionally budgeted. */
function retryingCall(url: string, retries: number, budget?: RetryBudget, breaker?: CircuitBreakerPolicy) {
  return (signal?: AbortSignal) =>
    retry(
      async ({ signal: s }) => {
        const body = await (breaker ? breaker.execute(() => call(url, s)) : call(url, s));
        budget?.recordSuccess();
        return body;
      },
      {
        maxAttempts: retries + 1,
        baseMs: 1,
        capMs: 4,
        jitter: 'full',
        ...(signal ? { signal } : {}),
        // The budget is asked only about retryable failures, and each such failure costs a token.
        retryable: (e) => isRetryable(e) && (budget ? budget.recordFailureAndMayRetry() : true),
      },
    );
}
// #endregion layer-retry

/**
 * A → B → C where C is down (every call answers 503 at once). Sends `userRequests` user requests, each
 * through the client's own retries, and counts the calls that reached each hop.
 */
export async function measureAmplification(
  placement: RetryPlacement,
  options: { userRequests: number; concurrency?: number; signal?: AbortSignal },
): Promise<AmplificationResult> {
  const counts = { a: 0, b: 0, c: 0 };
  const c = await listen((_req, res) => {
    counts.c++;
    sendJson(res, 503, { error: 'C is down' });
  });
  const budget = placement.budget ? new RetryBudget({ maxTokens: 10, tokenRatio: 0.1 }) : undefined;
  const breaker = placement.breaker
    ? circuitBreaker(handleAll, { halfOpenAfter: 60_000, breaker: new ConsecutiveBreaker(5) })
    : undefined;
  const toC = retryingCall(`${c.url}/work`, placement.b, budget, breaker);
  const b = await listen(async (_req, res) => {
    counts.b++;
    try {
      sendJson(res, 200, JSON.parse(await toC(callerGone(res))));
    } catch {
      sendJson(res, 503, { error: 'B: C failed' });
    }
  });
  const toB = retryingCall(`${b.url}/work`, placement.a);
  const a = await listen(async (_req, res) => {
    counts.a++;
    try {
      sendJson(res, 200, JSON.parse(await toB(callerGone(res))));
    } catch {
      sendJson(res, 503, { error: 'A: B failed' });
    }
  });
  const user = retryingCall(`${a.url}/work`, placement.client);
  let failed = 0;
  let waited = 0;
  let sent = 0;
  try {
    const worker = async () => {
      while (sent < options.userRequests && !options.signal?.aborted) {
        sent++;
        const t0 = performance.now();
        await user(options.signal).catch(() => failed++);
        waited += performance.now() - t0;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  } finally {
    await a.close();
    await b.close();
    await c.close();
  }
  const userRequests = Math.max(1, sent);
  return {
    userRequests,
    callsAtA: counts.a,
    callsAtB: counts.b,
    callsAtC: counts.c,
    factor: counts.c / userRequests,
    expectedFactor: (placement.client + 1) * (placement.a + 1) * (placement.b + 1),
    failedUserRequests: failed,
    meanUserWaitMs: waited / userRequests,
  };
}
