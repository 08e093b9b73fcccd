import type { Redis } from 'ioredis';
import type { LocalRedisCluster } from './LocalRedisCluster.ts';

/** A `MOVED <slot> <host:port>` reply: the slot is served by another node, permanently. */
export interface Moved {
  slot: number;
  address: string;
}

export function parseMoved(error: unknown): Moved | null {
  const match = /^MOVED (\d+) (\S+)/.exec(error instanceof Error ? error.message : '');
  return match ? { slot: Number(match[1]), address: match[2]! } : null;
}

// #region get-or-moved
/** GET through a plain connection to one node: the value, or where the node says the key lives. */
export async function getOrMoved(
  node: Redis,
  key: string,
): Promise<{ value: string | null } | { moved: Moved }> {
  try {
    return { value: await node.get(key) };
  } catch (error) {
    const moved = parseMoved(error);
    if (!moved) throw error;
    return { moved };
  }
}
// #endregion get-or-moved

/** MOVED replies every node has sent since the last reset, from `INFO errorstats` (Redis 6.2+). */
export async function movedRepliesSent(cluster: LocalRedisCluster): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes.filter((n) => n.server.running)) {
    const stats = await node.client.info('errorstats');
    total += Number(/^errorstat_MOVED:count=(\d+)/m.exec(stats)?.[1] ?? 0);
  }
  return total;
}

export async function resetStats(cluster: LocalRedisCluster): Promise<void> {
  for (const node of cluster.nodes.filter((n) => n.server.running)) await node.client.config('RESETSTAT');
}

// #region plain-client
/**
 * What a client that knows nothing of slots does: send every command to the one node it was given,
 * and when the answer is MOVED, open (or reuse) a connection to the named node and send it again.
 * Every key whose slot lives elsewhere costs an extra round trip.
 */
export async function getFollowingMoved(
  seed: Redis,
  connectTo: (address: string) => Redis,
  key: string,
): Promise<string | null> {
  const first = await getOrMoved(seed, key);
  if ('value' in first) return first.value;
  return connectTo(first.moved.address).get(key);
}
// #endregion plain-client
