import type { Redis } from 'ioredis';

/** One entry of the log: its stream id (`<ms>-<seq>`) and its fields. */
export interface LogEntry {
  id: string;
  fields: Record<string, string>;
}

export interface ActivityLogOptions {
  /** Stream key. */
  key: string;
  /**
   * Keep about this many entries. Trimming with `~` lets Redis drop whole internal nodes only, which is
   * much cheaper than exact trimming; the stream may hold somewhat more than this, never fewer.
   */
  maxLen: number;
}

type RawEntries = [string, string[]][];

const toEntries = (raw: RawEntries | null): LogEntry[] =>
  (raw ?? []).map(([id, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
    return { id, fields };
  });

/**
 * A Redis stream used as an append-only activity log and a broker: producers append, readers page
 * through history, and consumers tail it from where they stopped. Unlike pub/sub, entries stay in
 * the stream (until trimmed), so a consumer that was away catches up.
 */
export class ActivityLog {
  readonly key: string;
  readonly maxLen: number;
  private readonly redis: Redis;

  constructor(redis: Redis, options: ActivityLogOptions) {
    if (!Number.isInteger(options.maxLen) || options.maxLen < 1)
      throw new Error(`maxLen must be a positive integer, got ${options.maxLen}`);
    this.redis = redis;
    this.key = options.key;
    this.maxLen = options.maxLen;
  }

  // #region append
  /** Appends an entry, trimming the oldest ones in the same command; returns the id Redis gave it. */
  async append(fields: Record<string, string | number>): Promise<string> {
    const flat = Object.entries(fields).flatMap(([k, v]) => [k, String(v)]);
    const id = await this.redis.xadd(this.key, 'MAXLEN', '~', this.maxLen, '*', ...flat);
    if (id === null) throw new Error(`XADD to ${this.key} returned no id`);
    return id;
  }
  // #endregion append

  /** Entries in id order between `from` and `to` (inclusive; `-`/`+` for the ends), at most `count`. */
  async range(from = '-', to = '+', count = 100): Promise<LogEntry[]> {
    return toEntries((await this.redis.xrange(this.key, from, to, 'COUNT', count)) as RawEntries);
  }

  /** The newest `count` entries, newest first (an activity feed). */
  async latest(count = 20): Promise<LogEntry[]> {
    return toEntries((await this.redis.xrevrange(this.key, '+', '-', 'COUNT', count)) as RawEntries);
  }

  // #region read-after
  /**
   * Entries after `lastId`, waiting up to `blockMs` for new ones when there are none. `lastId = '$'`
   * means "only entries added from now on". Needs a connection of its own while it blocks.
   */
  async readAfter(
    reader: Redis,
    lastId: string,
    options: { blockMs: number; count: number },
  ): Promise<LogEntry[]> {
    const reply = (await reader.xread(
      'COUNT',
      options.count,
      'BLOCK',
      options.blockMs,
      'STREAMS',
      this.key,
      lastId,
    )) as [string, RawEntries][] | null;
    return toEntries(reply?.[0]?.[1] ?? null);
  }
  // #endregion read-after

  /**
   * True when trimming has overtaken a consumer whose last handled entry is `lastId`: that entry is no
   * longer in the stream, so the entries right after it may have been trimmed before it read them.
   * Check this on restart and alert (or rebuild from the source of truth) instead of silently skipping.
   */
  async retentionOvertook(lastId: string): Promise<boolean> {
    const [oldest] = await this.range('-', '+', 1);
    return oldest !== undefined && compareIds(oldest.id, lastId) > 0;
  }

  async length(): Promise<number> {
    return this.redis.xlen(this.key);
  }
}

/** Orders two stream ids (`<ms>-<seq>`) numerically. */
export function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}
