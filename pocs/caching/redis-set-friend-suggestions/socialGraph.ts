import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { rank, type Suggestion } from './FriendGraph.ts';

/**
 * A seeded graph with communities (people mostly befriend people in their own group of 50), so
 * friends-of-friends have very different mutual counts, as in a real social graph.
 */
export function generateGraph(users: number, friendsEach: number, seed: number): Map<string, Set<string>> {
  const random = seededRandom(seed);
  const graph = new Map<string, Set<string>>();
  const id = (i: number) => `u${i}`;
  for (let i = 0; i < users; i++) graph.set(id(i), new Set());
  for (let i = 0; i < users; i++) {
    for (let e = 0; e < friendsEach / 2; e++) {
      const community = Math.floor(i / 50) * 50;
      const j =
        random() < 0.8
          ? Math.min(users - 1, community + Math.floor(random() * 50))
          : Math.floor(random() * users);
      if (j === i) continue;
      graph.get(id(i))!.add(id(j));
      graph.get(id(j))!.add(id(i));
    }
  }
  return graph;
}

// #region reference
/** Suggestions computed in plain JS from the adjacency map: the reference Redis must match. */
export function suggestionsReference(
  graph: Map<string, Set<string>>,
  user: string,
  limit: number,
): Suggestion[] {
  const mine = graph.get(user) ?? new Set<string>();
  const counts = new Map<string, number>();
  for (const friend of mine) {
    for (const candidate of graph.get(friend) ?? []) {
      if (candidate === user || mine.has(candidate)) continue;
      counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
    }
  }
  return rank(
    [...counts].map(([u, mutualFriends]) => ({ user: u, mutualFriends })),
    limit,
  );
}
// #endregion reference

export function edges(graph: Map<string, Set<string>>): [string, string][] {
  const list: [string, string][] = [];
  for (const [a, friends] of graph) for (const b of friends) if (a < b) list.push([a, b]);
  return list;
}
