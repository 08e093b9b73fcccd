import { seededRandom } from '../../../src/lab/seededRandom.ts';
import type { LonLat } from './haversine.ts';

export interface Driver extends LonLat {
  id: string;
}

/** Central Berlin: the fleet is spread over roughly 20 km × 22 km around it. */
export const CITY_CENTER: LonLat = { lon: 13.405, lat: 52.52 };
const SPAN = { lon: 0.15, lat: 0.1 };

/** A reproducible fleet of `size` drivers scattered uniformly over the city. */
export function generateFleet(size: number, seed: number): Driver[] {
  const random = seededRandom(seed);
  return Array.from({ length: size }, (_, i) => ({ id: `driver:${i}`, ...randomPoint(random) }));
}

export function randomPoint(random: () => number): LonLat {
  return {
    lon: CITY_CENTER.lon + (random() * 2 - 1) * SPAN.lon,
    lat: CITY_CENTER.lat + (random() * 2 - 1) * SPAN.lat,
  };
}

/** Each chosen driver drives up to ~300 m in a random direction (one position report). */
export function moveDrivers(drivers: Driver[], share: number, random: () => number): Driver[] {
  const moved: Driver[] = [];
  for (const d of drivers) {
    if (random() >= share) continue;
    const next = {
      id: d.id,
      lon: d.lon + (random() * 2 - 1) * 0.004,
      lat: d.lat + (random() * 2 - 1) * 0.0027,
    };
    moved.push(next);
  }
  return moved;
}
