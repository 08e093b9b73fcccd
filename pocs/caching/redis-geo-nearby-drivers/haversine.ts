// #region haversine
/**
 * Redis's geo commands treat the Earth as a sphere of this radius (geohash_helper.c in the Redis
 * source); using the same one here makes the JS reference comparable to the millimetre.
 */
export const REDIS_EARTH_RADIUS_M = 6372797.560856;

export interface LonLat {
  lon: number;
  lat: number;
}

/** Great-circle distance in metres (haversine formula). */
export function haversineMeters(a: LonLat, b: LonLat, radius = REDIS_EARTH_RADIUS_M): number {
  const toRad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * toRad;
  const dLon = (b.lon - a.lon) * toRad;
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * toRad) * Math.cos(b.lat * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * radius * Math.asin(Math.sqrt(h));
}
// #endregion haversine
