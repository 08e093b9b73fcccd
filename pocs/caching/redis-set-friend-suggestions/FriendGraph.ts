import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface FriendGraphOptions {
  redis: Redis;
  keyPrefix: string;
}

export interface Suggestion {
  user: string;
  /** How many of my friends are also friends with this person. */
  mutualFriends: number;
}

/**
 * An undirected friend graph: one SET of friend ids per user. Friendship is written to both sides
 * in one MULTI, so the graph never holds a one-way friendship.
 */
export class FriendGraph {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: FriendGraphOptions) {
    if (!options.keyPrefix) throw new Error('FriendGraph needs a keyPrefix so its keys cannot collide');
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
  }

  friendsKey(user: string): string {
    return `${this.prefix}friends:${user}`;
  }

  async befriend(a: string, b: string): Promise<void> {
    if (a === b) throw new Error(`a user cannot befriend themselves (${a})`);
    await exec(this.redis.multi().sadd(this.friendsKey(a), b).sadd(this.friendsKey(b), a));
  }

  async unfriend(a: string, b: string): Promise<void> {
    await exec(this.redis.multi().srem(this.friendsKey(a), b).srem(this.friendsKey(b), a));
  }

  async friendsOf(user: string): Promise<string[]> {
    return (await this.redis.smembers(this.friendsKey(user))).sort();
  }

  // #region mutual
  /** People both users are friends with: SINTER of the two friend sets. */
  async mutualFriends(a: string, b: string): Promise<string[]> {
    return (await this.redis.sinter(this.friendsKey(a), this.friendsKey(b))).sort();
  }
  // #endregion mutual

  // #region suggestions
  /**
   * Friends of friends, minus my friends and me, ranked by mutual friends (ties by id):
   * SUNIONSTORE of my friends' sets → SREM me → SDIFFSTORE minus my friends (one MULTI), then one
   * SINTERCARD per candidate, pipelined.
   */
  async suggestions(user: string, limit = 10): Promise<Suggestion[]> {
    const friends = await this.redis.smembers(this.friendsKey(user));
    if (friends.length === 0) return [];
    const scratch = this.scratchKey();
    const replies = await exec(
      this.redis
        .multi()
        .sunionstore(scratch, ...friends.map((f) => this.friendsKey(f)))
        .srem(scratch, user)
        .sdiffstore(scratch, scratch, this.friendsKey(user))
        .smembers(scratch)
        .del(scratch),
    );
    const candidates = replies[3]![1] as string[];
    const pipeline = this.redis.pipeline();
    for (const c of candidates) pipeline.sintercard(2, this.friendsKey(user), this.friendsKey(c));
    const counts = await exec(pipeline);
    return rank(
      candidates.map((c, i) => ({ user: c, mutualFriends: counts[i]![1] as number })),
      limit,
    );
  }
  // #endregion suggestions

  // #region zunion
  /**
   * The same answer with the counting done by Redis in one command: ZUNIONSTORE over plain SETs
   * treats every member as score 1, so a friend-of-friend's summed score IS its mutual-friend count.
   */
  async suggestionsByZunion(user: string, limit = 10): Promise<Suggestion[]> {
    const friends = await this.redis.smembers(this.friendsKey(user));
    if (friends.length === 0) return [];
    const scratch = this.scratchKey();
    const replies = await exec(
      this.redis
        .multi()
        .zunionstore(
          scratch,
          friends.length,
          friends.map((f) => this.friendsKey(f)),
        )
        .zrem(scratch, user, ...friends)
        .zrange(scratch, '0', '-1', 'WITHSCORES')
        .del(scratch),
    );
    const flat = replies[2]![1] as string[];
    const scored: Suggestion[] = [];
    for (let i = 0; i < flat.length; i += 2)
      scored.push({ user: flat[i]!, mutualFriends: Number(flat[i + 1]) });
    return rank(scored, limit);
  }
  // #endregion zunion

  private scratchKey(): string {
    return `${this.prefix}tmp:${randomBytes(6).toString('hex')}`;
  }
}

/** Most mutual friends first; equal counts by id, so the order is deterministic. */
export function rank(suggestions: Suggestion[], limit: number): Suggestion[] {
  return suggestions
    .sort((a, b) => b.mutualFriends - a.mutualFriends || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
    .slice(0, limit);
}

async function exec(batch: {
  exec(): Promise<[Error | null, unknown][] | null>;
}): Promise<[Error | null, unknown][]> {
  const replies = await batch.exec();
  if (!replies) throw new Error('transaction aborted');
  const error = replies.find(([e]) => e)?.[0];
  if (error) throw error;
  return replies;
}
