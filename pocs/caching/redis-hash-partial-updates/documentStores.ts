import type { Redis } from 'ioredis';

export type Doc = Record<string, string | number>;

export interface UpdateHooks {
  /** Runs between the read and the write of a read-modify-write; tests use it to line up a race. */
  afterRead?: () => Promise<void>;
}

// #region json-rmw
/** The object as one JSON string. Changing one field means: read all, change it in the app, write all back. */
export class JsonDocumentStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  async create(id: string, doc: Doc): Promise<void> {
    await this.#redis.set(this.#prefix + id, JSON.stringify(doc));
  }

  async read(id: string): Promise<Doc | null> {
    const raw = await this.#redis.get(this.#prefix + id);
    return raw === null ? null : (JSON.parse(raw) as Doc);
  }

  /** Last writer wins for the WHOLE object: a concurrent update to another field is overwritten. */
  async update(id: string, patch: Doc, hooks: UpdateHooks = {}): Promise<void> {
    const current = await this.read(id);
    if (current === null) throw new Error(`document ${id} does not exist: create it first`);
    await hooks.afterRead?.();
    await this.#redis.set(this.#prefix + id, JSON.stringify({ ...current, ...patch }));
  }

  async increment(id: string, field: string, by = 1): Promise<void> {
    const current = await this.read(id);
    if (current === null) throw new Error(`document ${id} does not exist: create it first`);
    await this.#redis.set(
      this.#prefix + id,
      JSON.stringify({ ...current, [field]: Number(current[field] ?? 0) + by }),
    );
  }
}
// #endregion json-rmw

// #region hash-fields
/** The object as a hash. Each update names only its fields; Redis applies each command whole. */
export class HashDocumentStore {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(redis: Redis, keyPrefix: string) {
    this.#redis = redis;
    this.#prefix = keyPrefix;
  }

  async create(id: string, doc: Doc): Promise<void> {
    await this.#redis
      .multi()
      .del(this.#prefix + id)
      .hset(this.#prefix + id, doc)
      .exec();
  }

  async read(id: string): Promise<Record<string, string> | null> {
    const fields = await this.#redis.hgetall(this.#prefix + id);
    return Object.keys(fields).length === 0 ? null : fields;
  }

  /** HSET of the changed fields only: fields other writers change are not part of this write. */
  async update(id: string, patch: Doc, hooks: UpdateHooks = {}): Promise<void> {
    await hooks.afterRead?.(); // there is no read; kept so both stores face the same race in tests
    await this.#redis.hset(this.#prefix + id, patch);
  }

  /** HINCRBY: the add happens in Redis, so concurrent increments all count. */
  async increment(id: string, field: string, by = 1): Promise<void> {
    await this.#redis.hincrby(this.#prefix + id, field, by);
  }
}
// #endregion hash-fields

// #region json-watch
/**
 * If the object must stay one JSON string: optimistic locking with WATCH. EXEC fails (returns null)
 * when another client changed the key since WATCH, and the update is retried on fresh data.
 * WATCH is per connection, so each concurrent updater needs its own connection.
 */
export async function updateJsonWithWatch(
  redis: Redis,
  key: string,
  patch: Doc,
  options: { maxAttempts?: number; hooks?: UpdateHooks } = {},
): Promise<{ attempts: number }> {
  const maxAttempts = options.maxAttempts ?? 50;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    await redis.watch(key);
    const raw = await redis.get(key);
    if (raw === null) {
      await redis.unwatch();
      throw new Error(`${key} does not exist: create it first`);
    }
    await options.hooks?.afterRead?.();
    const result = await redis
      .multi()
      .set(key, JSON.stringify({ ...(JSON.parse(raw) as Doc), ...patch }))
      .exec();
    if (result !== null) return { attempts: attempt };
  }
  throw new Error(
    `${key}: update lost the race ${maxAttempts} times; contention is too high for optimistic locking`,
  );
}
// #endregion json-watch
