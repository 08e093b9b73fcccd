import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';
import { withDeadline } from '../../../src/lab/withDeadline.ts';

export interface TokenBucketOptions {
  /** An ioredis client you own (the limiter adds its Lua command to it), or a URL the limiter opens and `close()` closes. */
  redis: Redis | string;
  /** Largest burst: tokens a full bucket holds. Integer >= 1. */
  capacity: number;
  /** Sustained rate: tokens added per second, fractions allowed (0.5 = one every 2 s). */
  refillPerSecond: number;
  /** Prepended to every key so limiters (and tests) sharing a Redis do not collide. Default `tb:`. */
  keyPrefix?: string;
  /** Give up on Redis after this long; a limiter sits on every request's path. Default 250. */
  timeoutMs?: number;
}

export interface TakeOptions {
  /** Tokens this request takes, all or nothing. Integer 1..capacity. Default 1. */
  cost?: number;
  /** Abort to stop waiting for Redis. Rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface TokenBucketDecision {
  key: string;
  allowed: boolean;
  /** Tokens left after this decision, fraction included. */
  tokens: number;
  /** 0 when allowed; otherwise ms until `cost` tokens will have dripped in (what Retry-After reports). */
  retryAfterMs: number;
  /** The Redis server's clock at the decision, epoch ms. */
  serverTimeMs: number;
}

/** The reply of commands/tokenBucket-1.lua. */
type TokenBucketReply = [allowed: number, tokens: string, retryAfterMs: number, nowMs: number];

interface TokenBucketCommands {
  tokenBucket(
    key: string,
    capacity: number,
    refillPerSecond: number,
    cost: number,
  ): Promise<TokenBucketReply>;
}

export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/**
 * A token bucket per key, kept in Redis and updated by one Lua script, so any number of app
 * servers share one bucket per key and a burst of concurrent calls can never overdraw it.
 */
export class TokenBucketLimiter {
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly keyPrefix: string;
  private readonly redis: Redis & TokenBucketCommands;
  private readonly ownsRedis: boolean;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(options: TokenBucketOptions) {
    this.capacity = positiveInteger('capacity', options.capacity);
    if (!(options.refillPerSecond > 0) || !Number.isFinite(options.refillPerSecond)) {
      throw new RangeError(`refillPerSecond must be a positive number, got ${options.refillPerSecond}`);
    }
    this.refillPerSecond = options.refillPerSecond;
    this.keyPrefix = options.keyPrefix ?? 'tb:';
    this.timeoutMs = positiveInteger('timeoutMs', options.timeoutMs ?? 250);
    this.ownsRedis = typeof options.redis === 'string';
    const redis = typeof options.redis === 'string' ? new Redis(options.redis) : options.redis;
    // The sliding-window POC's BullMQ-style loader, pointed at this POC's commands/ folder.
    defineCommands(redis, readCommands(COMMANDS_DIR));
    this.redis = redis as Redis & TokenBucketCommands;
  }

  // #region take
  /** Takes `cost` tokens from `key`'s bucket if it holds them, atomically. Never waits for tokens. */
  async take(key: string, options: TakeOptions = {}): Promise<TokenBucketDecision> {
    if (this.closed) throw new Error('TokenBucketLimiter.take() after close(): create a new limiter');
    if (typeof key !== 'string' || key === '')
      throw new TypeError('rate limit key must be a non-empty string');
    const cost = positiveInteger('cost', options.cost ?? 1);
    if (cost > this.capacity) {
      throw new RangeError(
        `cost ${cost} exceeds capacity ${this.capacity}: a bucket that size can never hold it`,
      );
    }
    options.signal?.throwIfAborted();
    const call = this.redis.tokenBucket(this.keyPrefix + key, this.capacity, this.refillPerSecond, cost);
    const [allowed, tokens, retryAfterMs, nowMs] = await withDeadline(
      call,
      this.timeoutMs,
      options.signal,
      `Redis did not answer a token-bucket check within ${this.timeoutMs} ms: check that Redis is reachable (REDIS_URL) or raise timeoutMs`,
    );
    return { key, allowed: allowed === 1, tokens: Number(tokens), retryAfterMs, serverTimeMs: nowMs };
  }
  // #endregion take

  /** Closes the Redis connection if the limiter opened it (a client passed in stays yours). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsRedis) await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
