import { randomUUID } from 'node:crypto';

export interface RetryOptions {
  /** Give up on an attempt after this long: the server may still be working on it. */
  attemptTimeoutMs: number;
  maxAttempts: number;
  /** Wait before attempt n (n >= 1): backoffMs * 2^(n-1). */
  backoffMs: number;
  /** Send an Idempotency-Key (the same one on every attempt). Without it, retries are blind. */
  idempotencyKey: boolean;
  signal?: AbortSignal;
}

export interface PaymentOutcome {
  attempts: number;
  timeouts: number;
  networkErrors: number;
  conflicts: number;
  replays: number;
  /** Final status, or null if every attempt failed. */
  status: number | null;
  body: string | null;
}

// #region client
/**
 * What a careful client does when a call times out: it cannot know whether the payment happened, so
 * it retries with backoff. Without a key, each retry can charge again; with one, it asks for the
 * outcome of the same request.
 */
export async function payWithRetries(
  baseUrl: string,
  payment: object,
  options: RetryOptions,
): Promise<PaymentOutcome> {
  const key = randomUUID(); // one key per logical payment, generated once, before the first attempt
  const outcome: PaymentOutcome = {
    attempts: 0,
    networkErrors: 0,
    timeouts: 0,
    conflicts: 0,
    replays: 0,
    status: null,
    body: null,
  };
  for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
    options.signal?.throwIfAborted();
    if (attempt > 0) await sleep(options.backoffMs * 2 ** (attempt - 1));
    outcome.attempts++;
    try {
      const response = await fetch(`${baseUrl}/payments`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.idempotencyKey ? { 'idempotency-key': key } : {}),
        },
        body: JSON.stringify(payment),
        signal: AbortSignal.timeout(options.attemptTimeoutMs),
      });
      const body = await response.text();
      if (response.status === 409) {
        outcome.conflicts++; // the first attempt is still running: wait and ask again
        continue;
      }
      if (response.status >= 500) continue;
      if (response.headers.get('idempotent-replayed') === 'true') outcome.replays++;
      outcome.status = response.status;
      outcome.body = body;
      return outcome;
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        outcome.timeouts++; // unknown outcome: the server may have paid, or not
        continue;
      }
      if (error instanceof TypeError) {
        outcome.networkErrors++; // fetch's "fetch failed": connection refused or reset, outcome unknown too
        continue;
      }
      throw error;
    }
  }
  return outcome;
}
// #endregion client

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
