import type { Redis } from 'ioredis';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { visitRacy } from './racyCounter.ts';
import type { UniqueVisitors } from './UniqueVisitors.ts';

/**
 * `visitors` people each come back `visitsEach` times; every visit is handled by one of several app
 * servers (one Redis connection each) and all of them run at once. Returns what each method counted.
 */
export async function runConcurrentVisits(options: {
  connections: Redis[];
  visitors: (connection: Redis) => UniqueVisitors;
  racyPrefix: string;
  visitorCount: number;
  visitsEach: number;
  seed: number;
}) {
  const { connections, visitorCount, visitsEach } = options;
  const random = seededRandom(options.seed);
  const visits: string[] = [];
  for (let v = 0; v < visitorCount; v++) for (let i = 0; i < visitsEach; i++) visits.push(`visitor:${v}`);
  // Shuffle so repeat visits of one visitor land on different servers at nearly the same time.
  for (let i = visits.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [visits[i], visits[j]] = [visits[j]!, visits[i]!];
  }
  const trackers = connections.map(options.visitors);
  const firstVisits = await Promise.all(
    visits.map((id, i) => trackers[i % trackers.length]!.visit('home', 'today', id)),
  );
  await Promise.all(
    visits.map((id, i) => visitRacy(connections[i % connections.length]!, options.racyPrefix, id)),
  );
  return {
    visits: visits.length,
    setCount: await trackers[0]!.count('home', 'today'),
    firstVisitReplies: firstVisits.filter(Boolean).length,
    racyCount: Number(await connections[0]!.get(`${options.racyPrefix}count`)),
  };
}
