import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

const COMMANDS = readCommands(path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands'));

interface TagCommands {
  setTags(itemKey: string, tagPrefix: string, item: string, ...tags: string[]): Promise<[number, number]>;
  deleteItem(itemKey: string, tagPrefix: string, item: string): Promise<number>;
}

export interface TagIndexOptions {
  redis: Redis;
  /** Key prefix. Keep a `{hash tag}` in it (the default adds `{tags}`) so a cluster keeps every key on one slot. */
  keyPrefix: string;
}

export interface TagQuery {
  /** Items carrying every one of these tags (SINTER). */
  all?: string[];
  /** Items carrying at least one of these tags (SUNION). */
  any?: string[];
  /** Minus items carrying any of these tags (SDIFF). */
  none?: string[];
}

/**
 * Two indexes kept in step: item → tags and tag → items, both Redis SETs. Writes whose keys are known
 * up front (tag, untag) go in MULTI; writes that must read first (replace all tags, delete an item)
 * run as Lua scripts so no other client can slip in between the read and the write.
 */
export class TagIndex {
  private readonly redis: Redis & TagCommands;
  private readonly prefix: string;

  constructor(options: TagIndexOptions) {
    this.prefix = `${options.keyPrefix}{tags}:`;
    defineCommands(options.redis, COMMANDS);
    this.redis = options.redis as Redis & TagCommands;
  }

  itemKey(item: string): string {
    return `${this.prefix}item:${item}`;
  }

  tagKey(tag: string): string {
    return `${this.prefix}tag:${tag}`;
  }

  // #region tag
  async tag(item: string, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    const multi = this.redis.multi().sadd(this.itemKey(item), ...tags);
    for (const tag of tags) multi.sadd(this.tagKey(tag), item);
    await execOrThrow(multi);
  }

  async untag(item: string, tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    const multi = this.redis.multi().srem(this.itemKey(item), ...tags);
    for (const tag of tags) multi.srem(this.tagKey(tag), item);
    await execOrThrow(multi);
  }

  /** Replaces the item's tags (read current, diff, write): one Lua script. */
  async setTags(item: string, tags: string[]): Promise<{ added: number; removed: number }> {
    const [added, removed] = await this.redis.setTags(this.itemKey(item), this.tagKey(''), item, ...tags);
    return { added, removed };
  }

  async deleteItem(item: string): Promise<number> {
    return this.redis.deleteItem(this.itemKey(item), this.tagKey(''), item);
  }
  // #endregion tag

  /** tag() without MULTI: the item side and the tag side are separate commands. */
  async tagNaive(item: string, tags: string[]): Promise<void> {
    await this.redis.sadd(this.itemKey(item), ...tags);
    for (const tag of tags) await this.redis.sadd(this.tagKey(tag), item);
  }

  async untagNaive(item: string, tags: string[]): Promise<void> {
    await this.redis.srem(this.itemKey(item), ...tags);
    for (const tag of tags) await this.redis.srem(this.tagKey(tag), item);
  }

  /** The same replace without atomicity: read in one round trip, write in a later MULTI. */
  async setTagsNaive(item: string, tags: string[]): Promise<void> {
    const current = await this.redis.smembers(this.itemKey(item));
    const multi = this.redis.multi();
    for (const tag of current.filter((t) => !tags.includes(t))) {
      multi.srem(this.itemKey(item), tag).srem(this.tagKey(tag), item);
    }
    for (const tag of tags) multi.sadd(this.itemKey(item), tag).sadd(this.tagKey(tag), item);
    await execOrThrow(multi);
  }

  async tagsOf(item: string): Promise<string[]> {
    return (await this.redis.smembers(this.itemKey(item))).sort();
  }

  async itemsTagged(tag: string): Promise<string[]> {
    return (await this.redis.smembers(this.tagKey(tag))).sort();
  }

  // #region query
  /**
   * "Tagged a AND b, and c OR d, but NOT e": SINTERSTORE / SUNIONSTORE into scratch keys, SDIFF
   * against the excluded tags, DEL the scratch keys — all in one MULTI, so the answer is one
   * consistent snapshot and no scratch key survives.
   */
  async query({ all = [], any = [], none = [] }: TagQuery): Promise<string[]> {
    if (all.length === 0 && any.length === 0) {
      throw new Error(
        'a tag query needs at least one tag in `all` or `any`: "everything except …" would scan every item',
      );
    }
    const scratch = `${this.prefix}tmp:${randomBytes(6).toString('hex')}`;
    const anyScratch = `${scratch}:any`;
    const multi = this.redis.multi();
    if (any.length > 0) multi.sunionstore(anyScratch, ...any.map((t) => this.tagKey(t)));
    const intersect = [...all.map((t) => this.tagKey(t)), ...(any.length > 0 ? [anyScratch] : [])];
    multi.sinterstore(scratch, ...intersect);
    multi.sdiff(scratch, ...none.map((t) => this.tagKey(t)));
    multi.del(scratch, anyScratch);
    const replies = await execOrThrow(multi);
    return (replies.at(-2)![1] as string[]).sort();
  }
  // #endregion query
}

async function execOrThrow(multi: ReturnType<Redis['multi']>): Promise<[Error | null, unknown][]> {
  const replies = await multi.exec();
  if (!replies) throw new Error('MULTI was aborted');
  const error = replies.find(([e]) => e)?.[0];
  if (error) throw error;
  return replies;
}
