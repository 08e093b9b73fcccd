import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { defineLockCommands, type LockRedis } from './commands.ts';

export interface RedisLockOptions {
  /** An ioredis client you own; the lock adds its Lua commands to it. Any number of locks may share it. */
  redis: Redis;
  /** Prepended to lock and fencing-counter keys. Default `lock:`. */
  keyPrefix?: string;
  /** Lease length: the lock frees itself this long after acquisition unless extended. */
  ttlMs: number;
  /** Wait between attempts while the lock is taken (plus jitter). Default 50. */
  retryDelayMs?: number;
  /** Random extra wait, 0..retryJitterMs, so waiters do not retry in lockstep. Default 50. */
  retryJitterMs?: number;
  /** Give up acquiring after this long. Default 10,000. */
  acquireTimeoutMs?: number;
}

export interface AcquireOptions {
  /** Overrides the lock's `acquireTimeoutMs`. */
  timeoutMs?: number;
  /** Overrides the lock's `ttlMs` for this lease. */
  ttlMs?: number;
  /** Stop waiting (the caller's work was cancelled). Rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What a successful acquire hands out. */
export interface LockLease {
  resource: string;
  /** Random per acquisition: only the holder knows it, and release/extend compare it. */
  token: string;
  /**
   * Grows by one with every acquisition of this resource. Pass it to the protected resource with
   * every write so it can refuse writes from a holder whose lease has since passed to someone else.
   */
  fencingToken: number;
  ttlMs: number;
  /** Local clock (performance.now) when the acquire call was SENT: the lease ends at most ttlMs after it. */
  startedAt: number;
}

export class LockAcquireTimeoutError extends Error {
  constructor(resource: string, timeoutMs: number, attempts: number) {
    super(
      `could not acquire lock "${resource}" within ${timeoutMs} ms (${attempts} attempts): another holder kept it. ` +
        'Raise timeoutMs, shorten the critical section, or check for a holder that never releases (its TTL bounds the wait).',
    );
    this.name = 'LockAcquireTimeoutError';
  }
}

/**
 * A lock on a single Redis: `SET key token NX PX ttl` to acquire, compare-token Lua scripts to
 * release and extend, and a fencing token per acquisition. It gives mutual exclusion only as
 * long as holders finish within their TTL; see README "What fails" for when they do not.
 */
export class RedisLock {
  private readonly redis: LockRedis;
  private readonly keyPrefix: string;
  private readonly ttlMs: number;
  private readonly retryDelayMs: number;
  private readonly retryJitterMs: number;
  private readonly acquireTimeoutMs: number;

  constructor(options: RedisLockOptions) {
    this.redis = defineLockCommands(options.redis);
    this.keyPrefix = options.keyPrefix ?? 'lock:';
    this.ttlMs = positive('ttlMs', options.ttlMs);
    this.retryDelayMs = options.retryDelayMs ?? 50;
    this.retryJitterMs = options.retryJitterMs ?? 50;
    this.acquireTimeoutMs = positive('acquireTimeoutMs', options.acquireTimeoutMs ?? 10_000);
  }

  lockKey(resource: string): string {
    return `${this.keyPrefix}${resource}`;
  }

  fenceKey(resource: string): string {
    return `${this.keyPrefix}${resource}:fence`;
  }

  // #region try-acquire
  /** One attempt: the lease, or null when someone else holds the lock. */
  async tryAcquire(resource: string, options: Pick<AcquireOptions, 'ttlMs'> = {}): Promise<LockLease | null> {
    const ttlMs = positive('ttlMs', options.ttlMs ?? this.ttlMs);
    const token = randomBytes(16).toString('hex');
    // Taken before the call: the lease may have started any time after this moment.
    const startedAt = performance.now();
    const [fencingToken] = await this.redis.acquireLock(
      this.lockKey(resource),
      this.fenceKey(resource),
      token,
      ttlMs,
    );
    return fencingToken > 0 ? { resource, token, fencingToken, ttlMs, startedAt } : null;
  }
  // #endregion try-acquire

  // #region acquire
  /** Retries until the lock is free, the timeout passes or the signal aborts. */
  async acquire(resource: string, options: AcquireOptions = {}): Promise<LockLease> {
    const timeoutMs = options.timeoutMs ?? this.acquireTimeoutMs;
    const deadline = performance.now() + timeoutMs;
    let attempts = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      attempts++;
      const lease = await this.tryAcquire(resource, options);
      if (lease) return lease;
      const wait = this.retryDelayMs + Math.random() * this.retryJitterMs;
      if (performance.now() + wait > deadline)
        throw new LockAcquireTimeoutError(resource, timeoutMs, attempts);
      await sleep(wait, undefined, { signal: options.signal }).catch((error: unknown) => {
        throw options.signal?.aborted ? options.signal.reason : error; // the caller's reason, not a generic AbortError
      });
    }
  }
  // #endregion acquire

  /** Frees the lock if it is still this lease's. False: it had expired (and may be someone else's now). */
  async release(lease: Pick<LockLease, 'resource' | 'token'>): Promise<boolean> {
    return (await this.redis.releaseLock(this.lockKey(lease.resource), lease.token)) === 1;
  }

  /** Restarts the lease's TTL at `ttlMs` from now, if it is still this lease's. */
  async extend(lease: LockLease, ttlMs: number = lease.ttlMs): Promise<boolean> {
    const startedAt = performance.now();
    const extended =
      (await this.redis.extendLock(this.lockKey(lease.resource), lease.token, positive('ttlMs', ttlMs))) ===
      1;
    if (extended) Object.assign(lease, { ttlMs, startedAt });
    return extended;
  }

  /**
   * Local upper bound of the time left on the lease. Useful to skip work that cannot finish in time;
   * useless as a guarantee, because the process can pause right after checking it.
   */
  remainingMs(lease: LockLease): number {
    return lease.startedAt + lease.ttlMs - performance.now();
  }

  // #region with-lock
  /** Acquire, run `work`, release (also when `work` throws). */
  async withLock<T>(
    resource: string,
    work: (lease: LockLease) => Promise<T>,
    options: AcquireOptions = {},
  ): Promise<T> {
    const lease = await this.acquire(resource, options);
    try {
      return await work(lease);
    } finally {
      await this.release(lease);
    }
  }
  // #endregion with-lock
}

function positive(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}
