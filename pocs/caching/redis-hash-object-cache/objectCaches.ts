import type { Redis } from 'ioredis';

export type CachedObject = Record<string, unknown>;

/** What a read returned and how many reply bytes (values only, without RESP framing) it moved. */
export interface FieldsRead<T> {
  value: T | null;
  replyBytes: number;
}

interface CacheOptions {
  redis: Redis;
  keyPrefix: string;
  ttlSeconds: number;
}

// A field that every cached hash has, so "object not cached" and "field not set" stay distinguishable.
const PRESENT = '_';

// #region hash-cache
/**
 * One hash per object, one field per top-level property, each value JSON-encoded so numbers,
 * booleans and nested values round-trip. A reader asks for the fields it needs with HMGET and
 * receives only those bytes.
 */
export class HashObjectCache {
  private readonly options: CacheOptions;

  constructor(options: CacheOptions) {
    this.options = options;
  }

  async put(id: string, object: CachedObject): Promise<void> {
    const key = this.options.keyPrefix + id;
    const fields: Record<string, string> = { [PRESENT]: '1' };
    for (const [name, value] of Object.entries(object)) fields[name] = JSON.stringify(value);
    // DEL first so that fields of an older version do not survive; MULTI so readers never see half.
    await this.options.redis.multi().del(key).hset(key, fields).expire(key, this.options.ttlSeconds).exec();
  }

  async getFields<K extends string>(
    id: string,
    names: K[],
  ): Promise<FieldsRead<Partial<Record<K, unknown>>>> {
    const replies = await this.options.redis.hmgetBuffer(this.options.keyPrefix + id, PRESENT, ...names);
    const replyBytes = replies.reduce((sum, b) => sum + (b?.length ?? 0), 0);
    if (replies[0] === null) return { value: null, replyBytes };
    const value: Partial<Record<K, unknown>> = {};
    names.forEach((name, i) => {
      const raw = replies[i + 1];
      if (raw) value[name] = JSON.parse(raw.toString('utf8'));
    });
    return { value, replyBytes };
  }
}
// #endregion hash-cache

// #region json-cache
/** The usual alternative: the whole object as one JSON string; every read fetches and parses all of it. */
export class JsonObjectCache {
  private readonly options: CacheOptions;

  constructor(options: CacheOptions) {
    this.options = options;
  }

  async put(id: string, object: CachedObject): Promise<void> {
    await this.options.redis.set(
      this.options.keyPrefix + id,
      JSON.stringify(object),
      'EX',
      this.options.ttlSeconds,
    );
  }

  async getFields<K extends string>(
    id: string,
    names: K[],
  ): Promise<FieldsRead<Partial<Record<K, unknown>>>> {
    const raw = await this.options.redis.getBuffer(this.options.keyPrefix + id);
    if (raw === null) return { value: null, replyBytes: 0 };
    const whole = JSON.parse(raw.toString('utf8')) as CachedObject;
    const value: Partial<Record<K, unknown>> = {};
    for (const name of names) if (name in whole) value[name] = whole[name];
    return { value, replyBytes: raw.length };
  }
}
// #endregion json-cache
