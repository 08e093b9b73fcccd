import type { Cluster } from 'ioredis';
import { slotCount } from './clusterNodes.ts';
import type { LocalRedisCluster } from './LocalRedisCluster.ts';

export interface PrimaryShare {
  port: number;
  slots: number;
  keys: number;
  /** Percentage of the written keys this primary received. */
  share: number;
}

/**
 * Writes `keys` through the cluster client and counts, on each primary's own DBSIZE, how many landed
 * there: the distribution as the servers see it, not as the client's hashing predicts.
 */
export async function writeAndCount(
  cluster: LocalRedisCluster,
  client: Cluster,
  keys: readonly string[],
): Promise<PrimaryShare[]> {
  const primaries = (await cluster.view()).filter((n) => n.role === 'primary' && slotCount(n) > 0);
  const handles = primaries.map((p) => cluster.nodes.find((n) => n.id === p.id)!);
  const before = await Promise.all(handles.map((h) => h.client.dbsize()));
  // Auto-pipelining batches the commands per node; a plain pipeline would refuse keys of several slots.
  const batch = 2_000;
  for (let i = 0; i < keys.length; i += batch)
    await Promise.all(keys.slice(i, i + batch).map((key) => client.set(key, '1')));
  const after = await Promise.all(handles.map((h) => h.client.dbsize()));
  return primaries.map((p, i) => {
    const landed = after[i]! - before[i]!;
    return { port: p.port, slots: slotCount(p), keys: landed, share: (100 * landed) / keys.length };
  });
}

/** Busiest primary's keys over the mean: 1 is perfectly even, 3 means one of three has everything. */
export function skew(shares: readonly PrimaryShare[]): number {
  const total = shares.reduce((n, s) => n + s.keys, 0);
  return Math.max(...shares.map((s) => s.keys)) / (total / shares.length);
}
