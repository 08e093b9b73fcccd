import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { useRedis } from '../../../src/testing/redis.ts';
import { DriverLocator } from './DriverLocator.ts';
import { CITY_CENTER, generateFleet, randomPoint } from './fleet.ts';
import { haversineMeters, type LonLat } from './haversine.ts';
import { nearestReference } from './reference.ts';

const db = useRedis('geo-drivers');
const { ns } = db;

describe('DriverLocator (real Redis)', () => {
  it('GEOSEARCH BYRADIUS … ASC COUNT equals a haversine computation in JS for a seeded fleet', async () => {
    const fleet = generateFleet(5_000, 11);
    const locator = new DriverLocator({ redis: db.redis, key: `${ns}:radius` });
    expect(await locator.goOnline(fleet)).toBe(5_000);
    const stored = await locator.positions(fleet.map((d) => d.id));
    const original = new Map(fleet.map((d) => [d.id, d]));
    const random = seededRandom(12);

    for (let q = 0; q < 30; q++) {
      const center = randomPoint(random);
      const got = await locator.nearest(center, 1_500, 10);
      const expected = nearestReference(stored, center, 1_500, 10);
      // Same drivers, same order …
      expect(got.map((d) => d.id)).toEqual(expected.map((d) => d.id));
      for (const [i, d] of got.entries()) {
        // … same distances (Redis rounds WITHDIST to 4 decimals) …
        expect(Math.abs(d.distanceM - expected[i]!.distanceM)).toBeLessThan(0.001);
        // … and less than a metre from the distance to where the driver really is (52-bit geohash cell).
        expect(Math.abs(d.distanceM - haversineMeters(center, original.get(d.id)!))).toBeLessThan(1);
      }
    }
  });

  it('BYBOX returns the drivers inside the box, and only those (outside a 5 m boundary band)', async () => {
    const fleet = generateFleet(5_000, 21);
    const locator = new DriverLocator({ redis: db.redis, key: `${ns}:box` });
    await locator.goOnline(fleet);
    const center = CITY_CENTER;
    const [width, height] = [3_000, 2_000];
    const got = new Set((await locator.inBox(center, width, height)).map((d) => d.id));
    const offsets = (p: LonLat) => ({
      northSouth: haversineMeters(center, { lon: center.lon, lat: p.lat }),
      eastWest: haversineMeters({ lon: center.lon, lat: p.lat }, p),
    });
    let clearlyInside = 0;
    for (const d of fleet) {
      const { northSouth, eastWest } = offsets(d);
      if (northSouth < height / 2 - 5 && eastWest < width / 2 - 5) {
        clearlyInside++;
        expect(got.has(d.id)).toBe(true);
      }
      if (northSouth > height / 2 + 5 || eastWest > width / 2 + 5) expect(got.has(d.id)).toBe(false);
    }
    expect(clearlyInside).toBeGreaterThan(50);
  });

  it('follows moving drivers, and a late position report cannot bring an off-duty driver back', async () => {
    const locator = new DriverLocator({ redis: db.redis, key: `${ns}:moves` });
    const here = CITY_CENTER;
    await locator.goOnline([
      { id: 'near', lon: here.lon + 0.001, lat: here.lat },
      { id: 'far', lon: here.lon + 0.1, lat: here.lat },
    ]);
    expect((await locator.nearest(here, 1_000, 5)).map((d) => d.id)).toEqual(['near']);

    // 'near' drives away, 'far' drives in.
    expect(
      await locator.move([
        { id: 'near', lon: here.lon + 0.1, lat: here.lat },
        { id: 'far', lon: here.lon, lat: here.lat + 0.001 },
      ]),
    ).toBe(2);
    expect((await locator.nearest(here, 1_000, 5)).map((d) => d.id)).toEqual(['far']);

    await locator.goOffline(['far']);
    expect(await locator.move([{ id: 'far', lon: here.lon, lat: here.lat }])).toBe(0); // XX: ignored
    expect(await locator.nearest(here, 1_000, 5)).toEqual([]);
  });
});
