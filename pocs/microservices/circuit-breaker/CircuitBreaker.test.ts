import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker, type CircuitBreakerOptions, type StateChangeEvent } from './CircuitBreaker.ts';
import { BrokenCircuitError, CallTimeoutError } from './errors.ts';

const ok = async () => 'ok';
const boom = async (): Promise<string> => {
  throw new Error('boom');
};

/** A function that counts how often the breaker really called it. */
function counted<T>(fn: () => Promise<T>) {
  const wrapper = async () => {
    wrapper.calls++;
    return fn();
  };
  wrapper.calls = 0;
  return wrapper;
}

async function run(breaker: CircuitBreaker, fn: () => Promise<unknown>, times: number): Promise<void> {
  for (let i = 0; i < times; i++) await breaker.execute(fn).catch(() => {});
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Trips a breaker configured with minimumRequests `n` by failing `n` calls. */
async function trip(breaker: CircuitBreaker, n: number): Promise<void> {
  await run(breaker, boom, n);
  expect(breaker.state).toBe('open');
}

const base: CircuitBreakerOptions = {
  name: 'inventory',
  failureRateThreshold: 0.5,
  minimumRequests: 10,
  windowMs: 1_000,
  buckets: 10,
  openMs: 1_000,
  timeoutMs: 0,
};

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2025-01-01T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('closed: when it trips', () => {
  it('does not trip below minimumRequests, even when 100% of calls fail', async () => {
    const breaker = new CircuitBreaker(base);
    await run(breaker, boom, 9);
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().window).toMatchObject({ failures: 9, total: 9, failureRate: 1 });
  });

  it('trips when the failure RATE reaches the threshold, not on a failure count', async () => {
    const breaker = new CircuitBreaker(base);
    await run(breaker, ok, 10);
    await run(breaker, boom, 9); // 9 of 19 = 47%: below 50%
    expect(breaker.state).toBe('closed');
    await run(breaker, boom, 1); // 10 of 20 = 50%: trips
    expect(breaker.state).toBe('open');
    expect(breaker.stats().failures).toBe(10);
  });

  it('lets old failures roll out of the window as time passes', async () => {
    const stillInside = new CircuitBreaker(base);
    await run(stillInside, boom, 8);
    await vi.advanceTimersByTimeAsync(500); // half a window later the 8 failures still count
    await run(stillInside, boom, 2);
    expect(stillInside.state).toBe('open');

    const rolledOut = new CircuitBreaker(base);
    await run(rolledOut, boom, 8);
    await vi.advanceTimersByTimeAsync(1_000); // a whole window later they have expired
    await run(rolledOut, boom, 2);
    expect(rolledOut.state).toBe('closed');
    expect(rolledOut.stats().window.total).toBe(2);

    // Exactly one window later the new calls land in the very ring slot the old ones used, which wipes
    // them on write. Half a bucket-ring further on they sit in a different slot: only the read-side age
    // check can leave them out.
    const agedOut = new CircuitBreaker(base);
    await run(agedOut, boom, 8);
    await vi.advanceTimersByTimeAsync(1_500);
    await run(agedOut, boom, 2);
    expect(agedOut.state).toBe('closed');
    expect(agedOut.stats().window.total).toBe(2);
  });
});

describe('open: failing fast', () => {
  it('rejects without calling the function, saying when it will probe', async () => {
    const breaker = new CircuitBreaker(base);
    await trip(breaker, 10);
    await vi.advanceTimersByTimeAsync(250);
    const fn = counted(ok);
    const errors = await Promise.all(
      Array.from({ length: 50 }, () => breaker.execute(fn).catch((e: unknown) => e)),
    );
    expect(fn.calls).toBe(0);
    for (const error of errors) {
      expect(error).toBeInstanceOf(BrokenCircuitError);
      expect((error as BrokenCircuitError).state).toBe('open');
      expect((error as BrokenCircuitError).retryAfterMs).toBe(750);
    }
    expect((errors[0] as Error).message).toMatch(
      /circuit "inventory" is open: 10 of the last 10 calls failed/,
    );
    expect(breaker.stats()).toMatchObject({ rejected: 50, calls: 10, retryAfterMs: 750 });
  });
});

describe('half-open: one probe', () => {
  it('after openMs lets exactly one probe through and rejects concurrent calls fast', async () => {
    const breaker = new CircuitBreaker(base);
    await trip(breaker, 10);
    await vi.advanceTimersByTimeAsync(999);
    await expect(breaker.execute(ok)).rejects.toBeInstanceOf(BrokenCircuitError); // 1 ms too early

    await vi.advanceTimersByTimeAsync(1);
    const answer = deferred<string>();
    const fn = counted(() => answer.promise);
    const probe = breaker.execute(fn);
    expect(breaker.state).toBe('half-open');

    const settling = Promise.allSettled(Array.from({ length: 5 }, () => breaker.execute(fn)));
    // Checked before awaiting: calls let through would wait on the unanswered probe and hang the test.
    expect(fn.calls).toBe(1); // only the probe reached the dependency
    const others = await settling;
    for (const other of others) {
      expect(other.status).toBe('rejected');
      const reason = (other as PromiseRejectedResult).reason as BrokenCircuitError;
      expect(reason).toBeInstanceOf(BrokenCircuitError);
      expect(reason.state).toBe('half-open');
      expect(reason.message).toMatch(/a probe call is already testing the dependency/);
    }
    expect(breaker.stats().probeInFlight).toBe(true);

    answer.resolve('ok');
    await expect(probe).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    // The failures that opened it are forgotten, or the next failure would re-open it at once.
    expect(breaker.stats().window.total).toBe(0);
  });

  it('closing starts from an empty window, so the failures that opened it cannot re-open it', async () => {
    // openMs shorter than the window: the tripping failures would still be inside it when the probe succeeds.
    const breaker = new CircuitBreaker({ ...base, openMs: 100 });
    await trip(breaker, 10);
    await vi.advanceTimersByTimeAsync(100);
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    expect(breaker.stats().window.total).toBe(0);
    await run(breaker, boom, 1);
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe re-opens the circuit for another full cool-down', async () => {
    const breaker = new CircuitBreaker(base);
    await trip(breaker, 10);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(breaker.execute(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');

    const fn = counted(ok);
    await vi.advanceTimersByTimeAsync(999);
    await expect(breaker.execute(fn)).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(fn.calls).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    await expect(breaker.execute(fn)).resolves.toBe('ok');
    expect(fn.calls).toBe(1);
    expect(breaker.state).toBe('closed');
  });

  it('a probe cancelled by its caller frees the slot for the next caller', async () => {
    const breaker = new CircuitBreaker(base);
    await trip(breaker, 10);
    await vi.advanceTimersByTimeAsync(1_000);
    const caller = new AbortController();
    const probe = breaker.execute(() => new Promise<string>(() => {}), { signal: caller.signal });
    caller.abort(new Error('client went away'));
    await expect(probe).rejects.toThrow('client went away');
    expect(breaker.state).toBe('half-open');
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
  });
});

describe('timeouts', () => {
  it('a call that outlives timeoutMs fails with CallTimeoutError, counts as a failure and aborts its signal', async () => {
    const breaker = new CircuitBreaker({ ...base, timeoutMs: 100, minimumRequests: 1 });
    const timeouts: CallTimeoutError[] = [];
    breaker.on('timeout', (e) => timeouts.push(e.error));
    let seen: AbortSignal | undefined;
    // A callee that hangs and ignores its signal: the breaker must not depend on the callee's manners.
    const call = breaker.execute((signal) => {
      seen = signal;
      return new Promise<string>(() => {});
    });
    const settled = expect(call).rejects.toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(99);
    expect(seen?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    // Before awaiting: a breaker that never times out would leave `settled` pending until the test times out.
    expect(seen?.aborted).toBe(true);
    await settled;

    expect(seen?.reason).toBeInstanceOf(CallTimeoutError);
    expect((seen!.reason as Error).message).toMatch(/did not answer within 100 ms/);
    expect(timeouts).toHaveLength(1);
    expect(breaker.stats()).toMatchObject({ failures: 1, timeouts: 1 });
    expect(breaker.state).toBe('open'); // minimumRequests 1, 100% failed
  });

  it('a fast call leaves no timer behind', async () => {
    const breaker = new CircuitBreaker({ ...base, timeoutMs: 5_000 });
    await run(breaker, ok, 20);
    await run(breaker, boom, 3);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('fallback', () => {
  it('is used when the circuit is open, without calling the function', async () => {
    const breaker = new CircuitBreaker(base);
    await trip(breaker, 10);
    const fn = counted(ok);
    let given: unknown;
    const value = await breaker.execute(fn, {
      fallback: (error) => {
        given = error;
        return 'cached';
      },
    });
    expect(value).toBe('cached');
    expect(given).toBeInstanceOf(BrokenCircuitError);
    expect(fn.calls).toBe(0);
    expect(breaker.stats().fallbacks).toBe(1);
  });

  it('is used when the call fails, and the failure still counts', async () => {
    const breaker = new CircuitBreaker(base);
    const value = await breaker.execute(boom, {
      fallback: (error) => `fallback after ${(error as Error).message}`,
    });
    expect(value).toBe('fallback after boom');
    expect(breaker.stats()).toMatchObject({ failures: 1, fallbacks: 1 });
    expect(breaker.stats().window.failures).toBe(1);
  });
});

describe('events', () => {
  it('reports every state change in order, with the reason', async () => {
    const breaker = new CircuitBreaker({ ...base, minimumRequests: 2, openMs: 100 });
    const changes: StateChangeEvent[] = [];
    breaker.on('stateChange', (e) => changes.push(e));

    await run(breaker, boom, 2); // closed -> open
    await vi.advanceTimersByTimeAsync(100);
    await run(breaker, boom, 1); // open -> half-open -> open
    await vi.advanceTimersByTimeAsync(100);
    await run(breaker, ok, 1); // open -> half-open -> closed

    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual([
      'closed->open',
      'open->half-open',
      'half-open->open',
      'open->half-open',
      'half-open->closed',
    ]);
    expect(changes[0]!.reason).toMatch(/2 of the last 2 calls failed within 1000 ms \(100% >= 50%\)/);
    expect(changes[1]!.reason).toMatch(/cool-down of 100 ms elapsed/);
    expect(changes[2]!.reason).toMatch(/probe call failed \(Error: boom\)/);
    expect(changes[4]!.reason).toMatch(/probe call succeeded/);
    expect(changes[4]!.at - changes[0]!.at).toBe(200);
  });

  it('emits success, failure and rejected, and unsubscribes', async () => {
    const breaker = new CircuitBreaker({ ...base, minimumRequests: 1 });
    const seen: string[] = [];
    const off = breaker.on('success', () => seen.push('success'));
    breaker.on('failure', (e) => seen.push(`failure:${(e.error as Error).message}`));
    breaker.on('rejected', (e) => seen.push(`rejected:${e.error.state}`));
    await run(breaker, ok, 1);
    off();
    await run(breaker, ok, 1);
    await run(breaker, boom, 2); // 2 of 4 = 50%: trips
    await run(breaker, ok, 1);
    expect(seen).toEqual(['success', 'failure:boom', 'failure:boom', 'rejected:open']);
  });
});

describe('isFailure', () => {
  class HttpError extends Error {
    readonly status: number;
    constructor(status: number) {
      super(`HTTP ${status}`);
      this.status = status;
    }
  }
  const isFailure = (error: unknown) => !(error instanceof HttpError && error.status < 500);

  it("errors that are the caller's fault pass through and never trip the breaker", async () => {
    const breaker = new CircuitBreaker({ ...base, isFailure });
    const notFound = async (): Promise<string> => {
      throw new HttpError(404);
    };
    const fallback = vi.fn(() => 'fallback');
    for (let i = 0; i < 30; i++) {
      await expect(breaker.execute(notFound, { fallback })).rejects.toBeInstanceOf(HttpError);
    }
    expect(fallback).not.toHaveBeenCalled(); // a 404 is an answer, not an outage: do not hide it
    expect(breaker.state).toBe('closed');
    expect(breaker.stats()).toMatchObject({ ignored: 30, failures: 0 });
    expect(breaker.stats().window).toMatchObject({ successes: 30, failures: 0 });
  });

  it('timeouts count as failures even when isFailure would excuse every error', async () => {
    const breaker = new CircuitBreaker({
      ...base,
      timeoutMs: 100,
      minimumRequests: 1,
      isFailure: () => false,
    });
    const call = breaker.execute(() => new Promise<string>(() => {}));
    const settled = expect(call).rejects.toBeInstanceOf(CallTimeoutError);
    await vi.advanceTimersByTimeAsync(100);
    // Checked before awaiting, so a breaker without a deadline fails here instead of hanging.
    expect(breaker.stats()).toMatchObject({ failures: 1, timeouts: 1, ignored: 0 });
    expect(breaker.state).toBe('open');
    await settled;
  });

  it('server errors still trip it', async () => {
    const breaker = new CircuitBreaker({ ...base, isFailure });
    await run(
      breaker,
      async () => {
        throw new HttpError(503);
      },
      10,
    );
    expect(breaker.state).toBe('open');
  });
});

describe('life cycle', () => {
  it('a call cancelled by the caller is counted neither way', async () => {
    const breaker = new CircuitBreaker({ ...base, timeoutMs: 1_000 });
    const caller = new AbortController();
    let seen: AbortSignal | undefined;
    const call = breaker.execute(
      (signal) => {
        seen = signal;
        return new Promise<string>(() => {});
      },
      { signal: caller.signal },
    );
    caller.abort(new Error('client went away'));
    await expect(call).rejects.toThrow('client went away');
    expect(seen?.aborted).toBe(true);
    expect(breaker.stats().window.total).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('dispose() stops accepting calls and drops listeners', async () => {
    const breaker = new CircuitBreaker(base);
    const listener = vi.fn();
    breaker.on('success', listener);
    breaker.dispose();
    await expect(breaker.execute(ok)).rejects.toThrow(/disposed: create a new CircuitBreaker/);
    expect(listener).not.toHaveBeenCalled();
  });

  it('rejects options that cannot work, saying what is expected', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: 50 })).toThrow(/in \(0, 1\], e.g. 0.5 for 50%/);
    expect(() => new CircuitBreaker({ minimumRequests: 0 })).toThrow(/positive integer/);
    expect(() => new CircuitBreaker({ timeoutMs: -1 })).toThrow(/must be >= 0/);
  });
});
