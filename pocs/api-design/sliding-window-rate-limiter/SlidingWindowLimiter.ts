import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';
import { withDeadline } from '../../../src/lab/withDeadline.ts';
import { RateLimiterUnavailableError } from './RateLimiterUnavailableError.ts';
import { rateLimitHeaders } from './rateLimitHeaders.ts';

/**
 * What to do when Redis cannot answer (down, unreachable, slower than `timeoutMs`):
 * - `'throw'` (default): reject with a RateLimiterUnavailableError and let the caller choose.
 * - `'fail-open'`: allow the request. Availability first: an outage of the limiter does not become
 *   an outage of the API, at the price of no protection while Redis is away.
 * - `'fail-closed'`: deny it. Protection first: right for limits that guard money or abuse
 *   (login attempts, SMS sends), at the price of turning a Redis outage into an API outage.
 */
export type OnRedisError = 'throw' | 'fail-open' | 'fail-closed';

export interface SlidingWindowLimiterOptions {
  /** An ioredis client you own (the limiter adds its Lua command to it), or a URL the limiter connects to and `close()` closes. */
  redis: Redis | string;
  /** Units allowed per key within any window of `windowMs`. Integer >= 1. */
  limit: number;
  /** Window length in milliseconds. Integer >= 1. */
  windowMs: number;
  /** Prepended to every key, so limiters (and tests) sharing a Redis do not collide. Default `rl:`. */
  keyPrefix?: string;
  /** Per-key limit, e.g. a bigger one for paying customers; `undefined` falls back to `limit`. */
  limitFor?: (key: string) => number | undefined;
  /** Give up on Redis after this long. A limiter sits on every request's path: keep it short. Default 250. */
  timeoutMs?: number;
  onRedisError?: OnRedisError;
}

export interface ConsumeOptions {
  /** Units this request takes (a bulk call can cost more than one). Integer, 1..limit. Default 1. */
  cost?: number;
  /** Overrides `limitFor` / `limit` for this call. */
  limit?: number;
  /** Abort to stop waiting for Redis (the caller's request was cancelled). Rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface RateLimitDecision {
  key: string;
  allowed: boolean;
  /** The limit this key was checked against. */
  limit: number;
  /** Units left in the window after this decision (0 when degraded: unknown). */
  remaining: number;
  /** Redis-server epoch ms when the oldest counted request leaves the window. */
  resetAtMs: number;
  /** `resetAtMs` minus the server time of the decision: what X-RateLimit-Reset reports. */
  resetInMs: number;
  /** 0 when allowed; otherwise ms until `cost` units fit again. What Retry-After reports. */
  retryAfterMs: number;
  /** The Redis server's clock at the decision (the local clock when degraded). */
  serverTimeMs: number;
  /** Set when Redis could not answer and `onRedisError` decided instead. */
  degraded?: 'fail-open' | 'fail-closed';
}

/** The reply of commands/slidingWindow-1.lua: allowed, remaining, resetAtMs, retryAfterMs, nowMs. */
type SlidingWindowReply = [number, number, number, number, number];

interface SlidingWindowCommands {
  slidingWindow(
    key: string,
    limit: number,
    windowMs: number,
    cost: number,
    token: string,
  ): Promise<SlidingWindowReply>;
}

/** Retry hint when fail-closed: Redis failovers take seconds, so ask clients back soon, not in a full window. */
const DEGRADED_RETRY_AFTER_MS = 1000;

/**
 * A sliding-window-log rate limiter on Redis: at most `limit` units per key in ANY window of
 * `windowMs`, exact under concurrency across any number of processes sharing the Redis.
 */
export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  readonly keyPrefix: string;
  private readonly redis: Redis & SlidingWindowCommands;
  private readonly ownsRedis: boolean;
  private readonly limitFor: ((key: string) => number | undefined) | undefined;
  private readonly timeoutMs: number;
  private readonly onRedisError: OnRedisError;
  /** Random per instance + a counter: unique sorted-set members without a round trip. */
  private readonly instanceId = randomBytes(6).toString('base64url');
  private sequence = 0;
  private closed = false;

  constructor(options: SlidingWindowLimiterOptions) {
    this.limit = positiveInteger('limit', options.limit);
    this.windowMs = positiveInteger('windowMs', options.windowMs);
    this.keyPrefix = options.keyPrefix ?? 'rl:';
    this.limitFor = options.limitFor;
    this.timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 250);
    this.onRedisError = options.onRedisError ?? 'throw';
    this.ownsRedis = typeof options.redis === 'string';
    const redis = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
    defineCommands(redis, readCommands(new URL('./commands/', import.meta.url)));
    this.redis = redis as Redis & SlidingWindowCommands;
  }

  // #region consume
  /** Takes `cost` units for `key` if they fit in the current window, atomically. Never waits for capacity. */
  async consume(key: string, options: ConsumeOptions = {}): Promise<RateLimitDecision> {
    if (this.closed) throw new Error('SlidingWindowLimiter.consume() after close(): create a new limiter');
    if (typeof key !== 'string' || key === '')
      throw new TypeError('rate limit key must be a non-empty string');
    const limit = positiveInteger(`limit for "${key}"`, options.limit ?? this.limitFor?.(key) ?? this.limit);
    const cost = positiveInteger('cost', options.cost ?? 1);
    if (cost > limit) {
      throw new RangeError(`cost ${cost} exceeds the limit ${limit} for "${key}": it could never be allowed`);
    }
    options.signal?.throwIfAborted();

    const token = `${this.instanceId}:${(this.sequence++).toString(36)}`;
    try {
      const call = this.redis.slidingWindow(this.keyPrefix + key, limit, this.windowMs, cost, token);
      const [allowed, remaining, resetAtMs, retryAfterMs, nowMs] = await withDeadline(
        call,
        this.timeoutMs,
        options.signal,
        // A timed-out call may still run later (ioredis queues it while reconnecting) and count against
        // the key: the error is on the safe side of the limit.
        `Redis did not answer within ${this.timeoutMs} ms`,
      );
      return {
        key,
        allowed: allowed === 1,
        limit,
        remaining,
        resetAtMs,
        resetInMs: resetAtMs - nowMs,
        retryAfterMs,
        serverTimeMs: nowMs,
      };
    } catch (error) {
      // The caller gave up: that is not a Redis failure, so no fail-open/closed decision.
      if (options.signal?.aborted) throw options.signal.reason;
      // Redis answered with an error (wrong key type, script bug): a fault to fix, not an outage to ride out.
      if (isReplyError(error)) throw error;
      return this.decideWithoutRedis(key, limit, error);
    }
  }
  // #endregion consume

  /** HTTP headers for a decision: see rateLimitHeaders.ts for the conventions. */
  headers(decision: RateLimitDecision): Record<string, string> {
    return rateLimitHeaders(decision);
  }

  /** Closes the Redis connection if the limiter opened it (a client passed in stays yours to close). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsRedis) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private decideWithoutRedis(key: string, limit: number, error: unknown): RateLimitDecision {
    const reason = error instanceof Error ? error.message : String(error);
    if (this.onRedisError === 'throw') throw new RateLimiterUnavailableError(key, reason, { cause: error });
    const open = this.onRedisError === 'fail-open';
    return {
      key,
      allowed: open,
      limit,
      remaining: 0,
      resetAtMs: 0,
      resetInMs: 0,
      retryAfterMs: open ? 0 : DEGRADED_RETRY_AFTER_MS,
      serverTimeMs: Date.now(),
      degraded: this.onRedisError,
    };
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

function isReplyError(error: unknown): boolean {
  return error instanceof Error && error.name === 'ReplyError';
}
