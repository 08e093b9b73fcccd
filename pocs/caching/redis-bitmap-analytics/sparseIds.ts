import type { Redis } from 'ioredis';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { DailyActiveUsers } from './DailyActiveUsers.ts';
import { fillSet, memoryUsage } from './memoryUsage.ts';

export interface SparseRow {
  layout: string;
  users: number;
  highestId: number;
  bitmapBytes: number;
  setBytes: number;
}

// #region sparse
/**
 * The same number of active users stored twice, once as a bitmap and once as a SET, with ids either
 * dense (0 … users-1) or scattered up to `highestId`. A bitmap's size follows its highest offset, not
 * its population: scattered ids make it mostly zeros.
 */
export async function measureSparseIds(
  redis: Redis,
  keyPrefix: string,
  users: number,
  highestId: number,
  seed = 7,
): Promise<SparseRow> {
  const random = seededRandom(seed);
  const ids = new Set<number>([highestId]);
  while (ids.size < users) ids.add(Math.floor(random() * highestId));
  const dau = new DailyActiveUsers({ redis, keyPrefix: `${keyPrefix}bitmap:` });
  await dau.recordActive('day', ids);
  const setKey = `${keyPrefix}set`;
  await fillSet(redis, setKey, [...ids]);
  const row = {
    layout: highestId < users * 2 ? 'dense ids' : 'scattered ids',
    users,
    highestId,
    bitmapBytes: await memoryUsage(redis, dau.dayKey('day')),
    setBytes: await memoryUsage(redis, setKey),
  };
  await redis.unlink(dau.dayKey('day'), setKey);
  return row;
}
// #endregion sparse
