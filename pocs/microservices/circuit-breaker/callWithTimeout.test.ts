import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callWithTimeout } from './callWithTimeout.ts';
import { CallTimeoutError } from './errors.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('callWithTimeout', () => {
  it('resolves with the answer and clears its timer', async () => {
    await expect(callWithTimeout(async () => 7, 100)).resolves.toBe(7);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with CallTimeoutError and aborts the signal it handed out', async () => {
    let seen: AbortSignal | undefined;
    const call = callWithTimeout(
      (signal) => {
        seen = signal;
        return new Promise(() => {});
      },
      100,
      { what: 'GET /stock' },
    );
    const settled = expect(call).rejects.toThrow(/GET \/stock did not answer within 100 ms/);
    await vi.advanceTimersByTimeAsync(100);
    expect(seen?.reason).toBeInstanceOf(CallTimeoutError); // before awaiting: no timer must fail, not hang
    await settled;
  });

  it('treats a synchronous throw like a rejection', async () => {
    const call = callWithTimeout(() => {
      throw new Error('sync');
    }, 100);
    await expect(call).rejects.toThrow('sync');
    expect(vi.getTimerCount()).toBe(0);
  });

  it("rejects at once with the caller's reason when the caller's signal is already aborted", async () => {
    const caller = new AbortController();
    caller.abort(new Error('gone'));
    const fn = vi.fn(async () => 1);
    await expect(callWithTimeout(fn, 100, { signal: caller.signal })).rejects.toThrow('gone');
    expect(fn).not.toHaveBeenCalled();
  });
});
