import type { Redis } from 'ioredis';
import type { Driver } from './fleet.ts';
import type { LonLat } from './haversine.ts';

export interface DriverLocatorOptions {
  redis: Redis;
  /** The one geo key (a sorted set) holding every on-duty driver of a city. */
  key: string;
  /** Drivers per GEOADD. */
  batchSize?: number;
}

export interface NearbyDriver {
  id: string;
  distanceM: number;
}

/**
 * Live driver positions in one Redis geo set. A geo set is a sorted set whose score is a 52-bit
 * geohash, so a position update is a score update and a driver going off duty is a ZREM.
 */
export class DriverLocator {
  private readonly redis: Redis;
  readonly key: string;
  private readonly batchSize: number;

  constructor(options: DriverLocatorOptions) {
    this.redis = options.redis;
    this.key = options.key;
    this.batchSize = options.batchSize ?? 1_000;
  }

  // #region positions
  /** Drivers coming on duty (or re-announcing): plain GEOADD adds or updates. */
  goOnline(drivers: readonly Driver[]): Promise<number> {
    return this.geoadd(drivers, []);
  }

  /**
   * Position reports. XX: only update drivers already in the set, so a report that arrives after
   * the driver went off duty (a slow phone, a retried request) cannot bring them back online.
   * Returns how many positions changed (CH).
   */
  move(drivers: readonly Driver[]): Promise<number> {
    return this.geoadd(drivers, ['XX', 'CH']);
  }

  async goOffline(ids: readonly string[]): Promise<number> {
    return ids.length === 0 ? 0 : this.redis.zrem(this.key, ...ids);
  }
  // #endregion positions

  // #region search
  /** The `count` nearest drivers within `radiusM` of a point, nearest first. */
  async nearest(center: LonLat, radiusM: number, count: number): Promise<NearbyDriver[]> {
    const reply = await this.redis.geosearch(
      this.key,
      'FROMLONLAT',
      center.lon,
      center.lat,
      'BYRADIUS',
      radiusM,
      'm',
      'ASC',
      'COUNT',
      count,
      'WITHDIST',
    );
    return parseWithDist(reply);
  }

  /** Drivers inside a width × height box centred on a point (e.g. the map the rider sees), nearest first. */
  async inBox(center: LonLat, widthM: number, heightM: number, count?: number): Promise<NearbyDriver[]> {
    const args: (string | number)[] = [
      'FROMLONLAT',
      center.lon,
      center.lat,
      'BYBOX',
      widthM,
      heightM,
      'm',
      'ASC',
    ];
    if (count !== undefined) args.push('COUNT', count);
    args.push('WITHDIST');
    return parseWithDist(await this.redis.geosearch(this.key, ...args));
  }
  // #endregion search

  /** The positions Redis stores: the centre of the 52-bit geohash cell, not the input coordinates. */
  async positions(ids: readonly string[]): Promise<Map<string, LonLat>> {
    const map = new Map<string, LonLat>();
    for (let i = 0; i < ids.length; i += this.batchSize) {
      const chunk = ids.slice(i, i + this.batchSize);
      const reply = (await this.redis.geopos(this.key, ...chunk)) as ([string, string] | null)[];
      reply.forEach((pos, j) => {
        if (pos) map.set(chunk[j]!, { lon: Number(pos[0]), lat: Number(pos[1]) });
      });
    }
    return map;
  }

  private async geoadd(drivers: readonly Driver[], flags: string[]): Promise<number> {
    const pipeline = this.redis.pipeline();
    for (let i = 0; i < drivers.length; i += this.batchSize) {
      const args: (string | number)[] = [...flags];
      for (const d of drivers.slice(i, i + this.batchSize)) args.push(d.lon, d.lat, d.id);
      pipeline.geoadd(this.key, ...args);
    }
    let changed = 0;
    for (const [error, reply] of (await pipeline.exec()) ?? []) {
      if (error) throw error;
      changed += reply as number;
    }
    return changed;
  }
}

function parseWithDist(reply: unknown[]): NearbyDriver[] {
  return (reply as [string, string][]).map(([id, dist]) => ({ id, distanceM: Number(dist) }));
}
