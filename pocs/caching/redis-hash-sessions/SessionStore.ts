import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export interface SessionStoreOptions {
  redis: Redis;
  keyPrefix: string;
  /** A session nobody touches for this long is gone (sliding expiration). */
  idleTimeoutMs: number;
  /** A session older than this is refused even if it stays busy (absolute timeout). Default 12 h. */
  maxLifetimeMs?: number;
  now?: () => number;
}

export type SessionData = Record<string, string>;

interface SessionRedis extends Redis {
  updateSession(key: string, idleMs: number, ...fieldsAndValues: string[]): Promise<0 | 1>;
}

// #region session-store
/**
 * Sessions as Redis hashes: one key per session, one field per attribute. Every read slides the
 * idle expiry with PEXPIRE in the same MULTI, so an active user stays signed in and an idle one
 * is signed out by Redis itself, with no cleanup job.
 */
export class SessionStore {
  readonly #redis: SessionRedis;
  readonly #o: Required<Omit<SessionStoreOptions, 'redis'>>;

  constructor(options: SessionStoreOptions) {
    if (options.idleTimeoutMs < 1) throw new Error('idleTimeoutMs must be a positive number of milliseconds');
    this.#redis = options.redis as SessionRedis;
    if (typeof this.#redis.updateSession !== 'function') {
      defineCommands(this.#redis, readCommands(new URL('./commands/', import.meta.url)));
    }
    this.#o = { maxLifetimeMs: 12 * 3_600_000, now: Date.now, ...options };
  }

  /** Creates a session with an unguessable id (128 random bits) and returns the id. */
  async create(data: SessionData): Promise<string> {
    const id = randomBytes(16).toString('base64url');
    const key = this.#key(id);
    await this.#redis
      .multi()
      .hset(key, { ...data, createdAt: String(this.#o.now()) })
      .pexpire(key, this.#o.idleTimeoutMs)
      .exec();
    return id;
  }

  /** The session's fields, sliding its idle expiry; null when it expired, was logged out or is too old. */
  async get(id: string): Promise<SessionData | null> {
    const key = this.#key(id);
    const replies = await this.#redis.multi().hgetall(key).pexpire(key, this.#o.idleTimeoutMs).exec();
    const [error, data] = replies?.[0] ?? [new Error('MULTI aborted'), null];
    if (error) throw error;
    const session = data as SessionData;
    if (Object.keys(session).length === 0) return null;
    if (this.#o.now() - Number(session.createdAt) > this.#o.maxLifetimeMs) {
      await this.#redis.unlink(key);
      return null;
    }
    return session;
  }

  /** Sets fields on a live session (and slides it); false when the session no longer exists. */
  async update(id: string, fields: SessionData): Promise<boolean> {
    const flat = Object.entries(fields).flat();
    if (flat.length === 0) return true;
    return (await this.#redis.updateSession(this.#key(id), this.#o.idleTimeoutMs, ...flat)) === 1;
  }

  /** Logout: the session is gone for every app server at once. */
  async destroy(id: string): Promise<void> {
    await this.#redis.unlink(this.#key(id));
  }

  #key(id: string): string {
    return `${this.#o.keyPrefix}${id}`;
  }
}
// #endregion session-store
