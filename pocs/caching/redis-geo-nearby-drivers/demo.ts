import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder } from '../../../src/lab/index.ts';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { DriverLocator } from './DriverLocator.ts';
import { generateFleet, moveDrivers, randomPoint } from './fleet.ts';
import { haversineMeters } from './haversine.ts';
import { nearestReference } from './reference.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const COUNT = 10;

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      // ── 1. A fleet comes online; how far is the stored position from the real one? ────────
      const fleetSize = 10_000;
      const fleet = generateFleet(fleetSize, 2025);
      const locator = new DriverLocator({ redis, key: `${ns}:drivers:10k` });
      await locator.goOnline(fleet);
      const stored = await locator.positions(fleet.map((d) => d.id));
      let maxOffset = 0;
      let sumOffset = 0;
      for (const d of fleet) {
        const offset = haversineMeters(d, stored.get(d.id)!);
        maxOffset = Math.max(maxOffset, offset);
        sumOffset += offset;
      }
      ctx.log(
        `${fmt(fleetSize)} drivers: stored position (52-bit geohash cell centre) vs reported position: ` +
          `mean ${(sumOffset / fleetSize).toFixed(3)} m, max ${maxOffset.toFixed(3)} m`,
      );
      ctx.record.figure(
        'cell-offset-mean',
        'Mean distance between reported and stored position',
        round(sumOffset / fleetSize, 3),
        'm',
      );
      ctx.record.figure(
        'cell-offset-max',
        'Max distance between reported and stored position',
        round(maxOffset, 3),
        'm',
      );

      // ── 2. Nearest drivers: Redis vs a haversine scan in JS ──────────────────────────────
      const random = seededRandom(7);
      const checks = ctx.quick ? 50 : 200;
      let identical = 0;
      for (let q = 0; q < checks; q++) {
        const center = randomPoint(random);
        const got = await locator.nearest(center, 1_500, COUNT);
        const expected = nearestReference(stored, center, 1_500, COUNT);
        if (got.map((d) => d.id).join() === expected.map((d) => d.id).join()) identical++;
      }
      ctx.log(
        `Nearest ${COUNT} within 1.5 km: ${identical} of ${checks} queries identical to the JS haversine reference`,
      );
      ctx.record.figure(
        'reference-matches',
        `Queries identical to the JS reference (of ${checks})`,
        identical,
      );
      ctx.record.figure('reference-checks', 'Queries checked against the JS reference', checks);

      // ── 3. Drivers move: position reports as GEOADD XX CH ────────────────────────────────
      const ticks = ctx.quick ? 2 : 5;
      let reports = 0;
      const moveStart = performance.now();
      let current = fleet;
      for (let t = 0; t < ticks; t++) {
        const moved = moveDrivers(current, 0.3, random);
        reports += moved.length;
        await locator.move(moved);
        const byId = new Map(moved.map((d) => [d.id, d]));
        current = current.map((d) => byId.get(d.id) ?? d);
      }
      const moveRate = Math.round(reports / ((performance.now() - moveStart) / 1000));
      ctx.log(
        `${ticks} ticks, ${fmt(reports)} position reports (GEOADD XX CH, 1,000 per command, pipelined): ${fmt(moveRate)}/s`,
      );
      ctx.record.figure(
        'position-updates-per-sec',
        'Position reports applied per second (pipelined GEOADD XX CH)',
        moveRate,
        '/s',
      );

      // ── 4. Query latency for fleets of 10k and 100k ──────────────────────────────────────
      const fleets = ctx.quick ? [10_000] : [10_000, 100_000];
      const radii = [1_000, 3_000];
      const queries = ctx.quick ? 100 : 1_000;
      const rows = [];
      for (const size of fleets) {
        const sized =
          size === fleetSize ? locator : new DriverLocator({ redis, key: `${ns}:drivers:${size}` });
        if (size !== fleetSize) await sized.goOnline(generateFleet(size, 99));
        for (const radius of radii) {
          ctx.signal.throwIfAborted();
          ctx.progress(`latency, ${fmt(size)} drivers, radius ${radius} m`);
          const qRandom = seededRandom(size + radius);
          const latency = new LatencyRecorder();
          for (let q = 0; q < queries; q++) {
            const center = randomPoint(qRandom);
            await latency.time(() => sized.nearest(center, radius, COUNT));
          }
          // What the server had to look at: every driver in the radius, even though it returns 10.
          let inRadius = 0;
          for (let q = 0; q < 20; q++)
            inRadius += (await sized.inBox(randomPoint(qRandom), 2 * radius, 2 * radius)).length;
          const s = latency.summary();
          rows.push({
            setup: `${fmt(size)} drivers, ${radius / 1000} km`,
            fleet: size,
            radiusM: radius,
            driversNearby: Math.round(inRadius / 20),
            p50: s.p50,
            p99: s.p99,
          });
        }
      }
      ctx.log('');
      ctx.log(
        `GEOSEARCH FROMLONLAT … BYRADIUS r m ASC COUNT ${COUNT} WITHDIST, ${fmt(queries)} sequential queries per row:`,
      );
      for (const r of rows) {
        ctx.log(
          `  ${r.setup.padEnd(24)} ~${fmt(r.driversNearby).padStart(5)} in the square around   p50 ${r.p50} ms   p99 ${r.p99} ms`,
        );
      }
      ctx.record.table({
        id: 'latency',
        title: `GEOSEARCH … BYRADIUS … ASC COUNT ${COUNT} WITHDIST latency, ${fmt(queries)} sequential queries per row`,
        columns: [
          { key: 'setup', label: 'Fleet, radius' },
          { key: 'driversNearby', label: 'Drivers in the 2r × 2r square (mean)' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows: rows.map(({ setup, driversNearby, p50, p99 }) => ({ setup, driversNearby, p50, p99 })),
        chart: { type: 'bar', x: 'setup', y: ['p50', 'p99'], title: 'Query latency (ms)' },
      });
      ctx.record.note(
        'Latency is measured from the Node client (one connection, one query at a time), so it includes the round trip, not only Redis time.',
      );
    } finally {
      await deleteRedisKeys(redis, ns);
      await redis.quit();
    }
  },
});

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
