import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { abortableSleep, type RetryEvent, RetryExhaustedError, retry } from './retry.ts';

class Transient extends Error {
  override name = 'Transient';
}
class Invalid extends Error {
  override name = 'Invalid';
}

/** A function that fails `failures` times with `error`, then returns 'ok'; counts its calls. */
function flaky(failures: number, error: () => unknown = () => new Transient('503')) {
  const fn = vi.fn(async () => {
    if (fn.mock.calls.length <= failures) throw error();
    return 'ok';
  });
  return fn;
}

/** A sleep that records what it was asked to wait and returns at once. */
function recordingSleep() {
  const waits: number[] = [];
  const sleep = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    waits.push(ms);
  };
  return { waits, sleep };
}

describe('retry', () => {
  it('returns the first success and waits the backoff between attempts', async () => {
    const { waits, sleep } = recordingSleep();
    const fn = flaky(3);
    await expect(retry(fn, { jitter: 'none', baseMs: 10, capMs: 1000, sleep })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(4);
    expect(waits).toEqual([10, 20, 40]);
  });

  it('respects maxAttempts and says how many attempts it made and what failed last', async () => {
    const { waits, sleep } = recordingSleep();
    const fn = flaky(100);
    const error = await retry(fn, { maxAttempts: 4, baseMs: 1, sleep }).catch((e: unknown) => e);
    expect(fn).toHaveBeenCalledTimes(4);
    expect(waits).toHaveLength(3); // no wait after the last attempt
    expect(error).toBeInstanceOf(RetryExhaustedError);
    expect(error).toMatchObject({ attempts: 4 });
    expect((error as RetryExhaustedError).cause).toBeInstanceOf(Transient);
    expect((error as Error).message).toMatch(/gave up after 4 attempts.*Transient: 503/);
  });

  it('maxAttempts: 1 never retries', async () => {
    const fn = flaky(1);
    await expect(retry(fn, { maxAttempts: 1 })).rejects.toBeInstanceOf(RetryExhaustedError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('does not retry an error the predicate rejects, and re-throws it untouched', async () => {
    const invalid = new Invalid('400: bad input');
    const fn = flaky(5, () => invalid);
    const { waits, sleep } = recordingSleep();
    await expect(retry(fn, { retryable: (e) => e instanceof Transient, sleep })).rejects.toBe(invalid);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(waits).toEqual([]);
  });

  it('Retry-After wins over the computed delay, capped by maxRetryAfterMs', async () => {
    const { waits, sleep } = recordingSleep();
    const events: RetryEvent[] = [];
    const errors = [
      Object.assign(new Transient('429'), { retryAfterMs: 777 }),
      Object.assign(new Transient('503'), { headers: new Headers({ 'retry-after': '2' }) }),
      Object.assign(new Transient('503'), { headers: { 'retry-after': '3600' } }),
      new Transient('503 without a hint'),
    ];
    let i = 0;
    const fn = vi.fn(async () => {
      if (i < errors.length) throw errors[i++];
      return 'ok';
    });
    await retry(fn, {
      jitter: 'none',
      baseMs: 10,
      capMs: 1000,
      maxRetryAfterMs: 5_000,
      sleep,
      onRetry: (e) => events.push(e),
    });
    // 777 and 2000 are the server's; 3600 s is capped at 5 s; the last falls back to base * 2^3.
    expect(waits).toEqual([777, 2000, 5000, 80]);
    expect(events.map((e) => [e.attempt, e.source])).toEqual([
      [1, 'retry-after'],
      [2, 'retry-after'],
      [3, 'retry-after'],
      [4, 'backoff'],
    ]);
    expect(events[3]!.error).toBe(errors[3]);
  });

  describe('abort (fake timers)', () => {
    beforeEach(() => vi.useFakeTimers());
    afterEach(() => vi.useRealTimers());

    it('an abort during a wait stops at once, rejects with the reason, and makes no further call', async () => {
      const controller = new AbortController();
      const fn = flaky(100);
      const result = retry(fn, { jitter: 'none', baseMs: 10_000, capMs: 10_000, signal: controller.signal });
      const settled = result.catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(1); // first attempt failed; now waiting 10 s
      expect(fn).toHaveBeenCalledTimes(1);
      const reason = new Error('user navigated away');
      controller.abort(reason);
      expect(await settled).toBe(reason); // without advancing the clock: the wait was cut short
      expect(vi.getTimerCount()).toBe(0); // and its timer cleared
      await vi.advanceTimersByTimeAsync(60_000);
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('an already-aborted signal makes no call at all', async () => {
      const fn = flaky(0);
      await expect(retry(fn, { signal: AbortSignal.abort(new Error('late')) })).rejects.toThrow('late');
      expect(fn).not.toHaveBeenCalled();
    });

    it('the signal reaches fn, and a failure caused by the abort is not retried', async () => {
      const controller = new AbortController();
      const fn = vi.fn(async ({ signal }: { signal?: AbortSignal }) => {
        controller.abort(new Error('deadline'));
        signal?.throwIfAborted();
        return 'unreachable';
      });
      await expect(retry(fn, { signal: controller.signal })).rejects.toThrow('deadline');
      expect(fn).toHaveBeenCalledTimes(1);
    });

    it('abortableSleep resolves on time and leaves no timer', async () => {
      const done = vi.fn();
      void abortableSleep(100).then(done);
      await vi.advanceTimersByTimeAsync(99);
      expect(done).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(done).toHaveBeenCalled();
      expect(vi.getTimerCount()).toBe(0);
    });
  });

  it('rejects a nonsense maxAttempts', async () => {
    await expect(retry(async () => 1, { maxAttempts: 0 })).rejects.toThrow(
      /maxAttempts must be an integer >= 1/,
    );
  });
});
