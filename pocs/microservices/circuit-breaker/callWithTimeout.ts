import { CallTimeoutError } from './errors.ts';

// #region call-with-timeout
/**
 * Runs `fn(signal)` and rejects with CallTimeoutError if it has not settled after `timeoutMs`. On timeout
 * the signal is aborted (reason: the CallTimeoutError) so a callee that passes it on — to fetch, a DB
 * driver, a socket — stops working for an answer nobody will read. A caller's own `signal` aborts the
 * call the same way. The timer is always cleared, so a fast call leaves nothing behind.
 *
 * `timeoutMs` 0 (or Infinity) means no deadline: only the caller's signal can end the wait.
 *
 * The breaker uses this for its per-call timeout; the demo's "no breaker" callers use it too, so both
 * sides of the comparison give up on a dead dependency at the same moment.
 */
export function callWithTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  options: { signal?: AbortSignal; what?: string } = {},
): Promise<T> {
  const { signal: outer, what = 'the call' } = options;
  if (outer?.aborted) return Promise.reject(outer.reason);
  const controller = new AbortController();

  return new Promise<T>((resolve, reject) => {
    const onOuterAbort = () => {
      controller.abort(outer?.reason);
      finish();
      reject(outer?.reason);
    };
    const timer =
      timeoutMs > 0 && Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            const error = new CallTimeoutError(what, timeoutMs);
            controller.abort(error);
            finish();
            reject(error);
          }, timeoutMs)
        : undefined;
    const finish = () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
    };
    outer?.addEventListener('abort', onOuterAbort, { once: true });

    let pending: Promise<T>;
    try {
      pending = fn(controller.signal);
    } catch (error) {
      // A callee that throws synchronously is treated like one that rejects.
      pending = Promise.reject(error);
    }
    // Whichever settles first wins; a late answer after a timeout is dropped (the promise is settled).
    pending.then(
      (value) => {
        finish();
        resolve(value);
      },
      (error: unknown) => {
        finish();
        reject(error);
      },
    );
  });
}
// #endregion call-with-timeout
