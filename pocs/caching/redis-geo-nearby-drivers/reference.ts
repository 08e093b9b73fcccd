import type { NearbyDriver } from './DriverLocator.ts';
import { haversineMeters, type LonLat } from './haversine.ts';

// #region reference
/** The answer computed in plain JS: every driver's haversine distance, filtered, sorted, cut. */
export function nearestReference(
  positions: Map<string, LonLat>,
  center: LonLat,
  radiusM: number,
  count: number,
): NearbyDriver[] {
  const within: NearbyDriver[] = [];
  for (const [id, pos] of positions) {
    const distanceM = haversineMeters(center, pos);
    if (distanceM <= radiusM) within.push({ id, distanceM });
  }
  return within.sort((a, b) => a.distanceM - b.distanceM).slice(0, count);
}
// #endregion reference
