import { beforeAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { FriendGraph } from './FriendGraph.ts';
import { edges, generateGraph, suggestionsReference } from './socialGraph.ts';

const db = useRedis('friend-suggestions');
const { ns } = db;
const graphData = generateGraph(2_000, 20, 112);
let graph: FriendGraph;

beforeAll(async () => {
  graph = new FriendGraph({ redis: db.redis, keyPrefix: `${ns}:` });
  const all = edges(graphData);
  for (let i = 0; i < all.length; i += 1_000)
    await Promise.all(all.slice(i, i + 1_000).map(([a, b]) => graph.befriend(a, b)));
});

describe('FriendGraph (real Redis, seeded graph of 2,000 users)', () => {
  it('suggestions equal the JS reference (friends of friends, minus friends and self, ranked by mutual count)', async () => {
    for (let i = 0; i < 2_000; i += 67) {
      const user = `u${i}`;
      const expected = suggestionsReference(graphData, user, 10);
      expect(expected.length).toBeGreaterThan(0);
      expect(await graph.suggestions(user, 10)).toEqual(expected);
      expect(await graph.suggestionsByZunion(user, 10)).toEqual(expected);
      // Never suggest yourself or someone you already know.
      for (const s of expected) expect(s.user === user || graphData.get(user)!.has(s.user)).toBe(false);
    }
    expect(await db.redis.keys(`${ns}:tmp:*`)).toEqual([]);
  });

  it('mutual friends are the intersection of both friend lists, and the count behind each suggestion', async () => {
    const [top] = await graph.suggestions('u5', 1);
    const mutual = await graph.mutualFriends('u5', top!.user);
    expect(mutual).toHaveLength(top!.mutualFriends);
    const mine = graphData.get('u5')!;
    const theirs = graphData.get(top!.user)!;
    expect(mutual).toEqual([...mine].filter((f) => theirs.has(f)).sort());
  });

  it('friendship is symmetric, and a user without friends gets no suggestions', async () => {
    await graph.befriend('alice', 'bob');
    expect(await graph.friendsOf('bob')).toEqual(['alice']);
    await graph.unfriend('bob', 'alice');
    expect(await graph.friendsOf('alice')).toEqual([]);
    expect(await graph.suggestions('alice')).toEqual([]);
    await expect(graph.befriend('carol', 'carol')).rejects.toThrow(/themselves/);
  });
});
