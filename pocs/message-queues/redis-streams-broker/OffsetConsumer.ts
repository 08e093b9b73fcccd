import type { Redis } from 'ioredis';
import type { ActivityLog, LogEntry } from './ActivityLog.ts';

export interface OffsetConsumerOptions {
  /** Key where the id of the last handled entry is saved, so a restarted consumer resumes there. */
  offsetKey: string;
  /** Where a consumer with no saved offset starts: `0` (the whole log) or `$` (only new entries). */
  startFrom: '0' | '$';
  blockMs?: number;
  count?: number;
}

/**
 * A single consumer that tails a stream and remembers its position in Redis. It saves the offset after
 * handling a batch, so after a crash it re-reads at most that batch (at-least-once), and after a planned
 * stop it loses nothing: the entries added meanwhile are still in the stream.
 */
export class OffsetConsumer {
  private readonly log: ActivityLog;
  private readonly redis: Redis;
  private readonly reader: Redis;
  private readonly options: Required<OffsetConsumerOptions>;
  private lastId: string | null = null;

  constructor(log: ActivityLog, redis: Redis, reader: Redis, options: OffsetConsumerOptions) {
    this.log = log;
    this.redis = redis;
    this.reader = reader;
    this.options = { blockMs: 1_000, count: 100, ...options };
  }

  get position(): string | null {
    return this.lastId;
  }

  // #region poll
  /** Reads and handles the next batch (waiting up to `blockMs`), then saves the new offset. */
  async poll(handle: (entries: LogEntry[]) => Promise<void> | void): Promise<number> {
    if (this.lastId === null)
      this.lastId = (await this.redis.get(this.options.offsetKey)) ?? this.options.startFrom;
    if (this.lastId === '$') this.lastId = (await this.newestId()) ?? '0';
    const entries = await this.log.readAfter(this.reader, this.lastId, this.options);
    if (entries.length === 0) return 0;
    await handle(entries);
    this.lastId = (entries.at(-1) as LogEntry).id;
    await this.redis.set(this.options.offsetKey, this.lastId);
    return entries.length;
  }
  // #endregion poll

  /** Polls until a poll returns nothing (caught up) or the signal aborts. */
  async catchUp(
    handle: (entries: LogEntry[]) => Promise<void> | void,
    signal?: AbortSignal,
  ): Promise<number> {
    let total = 0;
    for (;;) {
      signal?.throwIfAborted();
      const n = await this.poll(handle);
      if (n === 0) return total;
      total += n;
    }
  }

  // `$` is resolved once to a concrete id, so that every later read continues from it rather than
  // meaning "newer than whatever is newest when this read starts", which would skip entries.
  private async newestId(): Promise<string | null> {
    const [newest] = await this.log.latest(1);
    return newest?.id ?? null;
  }
}
