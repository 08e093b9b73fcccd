import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, round, runLoad } from '../../../src/lab/index.ts';
import { InventoryReservations, type StockSnapshot } from './InventoryReservations.ts';
import { naiveReserve } from './naiveReserve.ts';

const BUYERS = 300;
const STOCK = 100;
const CONNECTIONS = 4;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const connections = Array.from({ length: CONNECTIONS }, () => new Redis(url));
    const admin = connections[0]!;
    const inventories = connections.map((redis) => new InventoryReservations({ redis, keyPrefix: `${ns}:` }));
    const inv = inventories[0]!;
    try {
      // ── 1. The oversell race ────────────────────────────────────────────────────────────────
      ctx.progress('oversell race');
      await inv.setStock('race', STOCK);
      const scripted = await Promise.all(
        Array.from({ length: BUYERS }, (_, i) => inventories[i % CONNECTIONS]!.reserve('race', 1)),
      );
      const scriptedOk = scripted.filter((r) => r.ok).length;
      const scriptedStock = (await inv.snapshot('race')).available;
      const naiveKey = `${ns}:naive-stock`;
      await admin.set(naiveKey, STOCK);
      const naive = await Promise.all(
        Array.from({ length: BUYERS }, (_, i) => naiveReserve(connections[i % CONNECTIONS]!, naiveKey, 1)),
      );
      const naiveOk = naive.filter(Boolean).length;
      const naiveStock = Number(await admin.get(naiveKey));
      ctx.log(`${BUYERS} concurrent buyers, ${STOCK} in stock, ${CONNECTIONS} connections:`);
      ctx.log(`  reserve script:                ${scriptedOk} reserved, stock ends at ${scriptedStock}`);
      ctx.log(`  GET, then DECRBY (two trips):  ${naiveOk} reserved, stock ends at ${naiveStock}`);
      ctx.record.figure(
        'script-reserved',
        `Reserved by the script (${BUYERS} buyers, ${STOCK} in stock)`,
        scriptedOk,
      );
      ctx.record.figure(
        'naive-reserved',
        `Reserved by GET-then-DECRBY (${BUYERS} buyers, ${STOCK} in stock)`,
        naiveOk,
      );
      ctx.record.figure('naive-oversold', 'Units oversold by GET-then-DECRBY', Math.max(0, naiveOk - STOCK));
      ctx.record.table({
        id: 'oversell',
        title: `${BUYERS} concurrent buyers for ${STOCK} units over ${CONNECTIONS} connections`,
        columns: [
          { key: 'implementation', label: 'Implementation' },
          { key: 'reserved', label: 'Reserved' },
          { key: 'finalStock', label: 'Stock afterwards' },
          { key: 'oversold', label: 'Oversold' },
        ],
        rows: [
          {
            implementation: 'reserve-4.lua (one script)',
            reserved: scriptedOk,
            finalStock: scriptedStock,
            oversold: Math.max(0, scriptedOk - STOCK),
          },
          {
            implementation: 'GET, then DECRBY (two round trips)',
            reserved: naiveOk,
            finalStock: naiveStock,
            oversold: Math.max(0, naiveOk - STOCK),
          },
        ],
        chart: {
          type: 'bar',
          x: 'implementation',
          y: ['reserved', 'oversold'],
          title: `Reserved of ${STOCK} units`,
        },
      });

      // ── 2. A flash sale with abandoned carts ────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('flash sale');
      const ttlMs = ctx.quick ? 200 : 500;
      await inv.setStock('sale', STOCK);
      const phases: Array<{ phase: string } & StockSnapshot> = [];
      const snap = async (phase: string) => phases.push({ phase, ...(await inv.snapshot('sale')) });
      await snap('Start');
      const firstWave = await Promise.all(
        Array.from({ length: 150 }, (_, i) => inventories[i % CONNECTIONS]!.reserve('sale', 1, { ttlMs })),
      );
      await snap('150 buyers reserved');
      // 60% of the lucky ones pay in time; the others abandon their carts.
      const holds = firstWave.flatMap((r) => (r.ok ? [r.holdId] : []));
      const payers = holds.filter((_, i) => i % 5 < 3);
      await Promise.all(payers.map((id) => inv.confirm('sale', id)));
      await snap(`${payers.length} paid in time`);
      await sleep(ttlMs + 100);
      // Five of the abandoned carts come back after their deadline and try to pay.
      const abandoned = holds.filter((_, i) => i % 5 >= 3);
      const late = await Promise.all(
        abandoned.slice(0, 5).map((id) =>
          inv.confirm('sale', id).then(
            () => 'sold',
            (e: Error) => e.name,
          ),
        ),
      );
      const lateRefused = late.filter((r) => r === 'HoldNotConfirmedError').length;
      await inv.sweep('sale');
      // Late confirms reclaim their own hold; the sweeper returns the rest.
      await snap(`Holds expired (late confirms refused, sweeper ran)`);
      const secondWave = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          inventories[i % CONNECTIONS]!.reserve('sale', 1, { ttlMs: 60_000 }),
        ),
      );
      await snap('60 waiting buyers retried');
      const totalOk = phases.every((p) => p.available + p.held + p.sold === STOCK);
      ctx.log('');
      ctx.log(`Flash sale, ${STOCK} units, holds of ${ttlMs} ms:`);
      for (const p of phases) {
        ctx.log(
          `  ${p.phase.padEnd(40)} available ${String(p.available).padStart(3)}  held ${String(p.held).padStart(3)}  sold ${String(p.sold).padStart(3)}`,
        );
      }
      ctx.log(
        `  late confirms refused: ${lateRefused} of ${late.length}; second wave reserved ${secondWave.filter((r) => r.ok).length}`,
      );
      ctx.record.figure('late-confirms-refused', `Late confirms refused (of ${late.length})`, lateRefused);
      ctx.record.figure('units-conserved', 'available + held + sold = stock at every step', totalOk);
      ctx.record.table({
        id: 'flash-sale',
        title: `Flash sale of ${STOCK} units with holds of ${ttlMs} ms: where the units are after each step`,
        columns: [
          { key: 'phase', label: 'Step' },
          { key: 'available', label: 'Available' },
          { key: 'held', label: 'Held' },
          { key: 'sold', label: 'Sold' },
        ],
        rows: phases.map(({ phase, available, held, sold }) => ({ phase, available, held, sold })),
        chart: { type: 'bar', x: 'phase', y: ['available', 'held', 'sold'], title: 'Units by state' },
      });

      // ── 3. What one reserve costs ───────────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('throughput');
      await inv.setStock('bench', 1_000_000_000);
      const load = await runLoad(() => inv.reserve('bench', 1, { ttlMs: 60_000 }), {
        concurrency: 16,
        durationMs: ctx.quick ? 200 : 1_000,
        warmupOps: 100,
        signal: ctx.signal,
      });
      if (load.errors > 0)
        throw new Error(`reserve failed during the benchmark: ${load.errorSamples.join('; ')}`);
      ctx.log('');
      ctx.log(
        `reserve on one connection, 16 concurrent callers: ${Math.round(load.opsPerSec).toLocaleString('en-US')} ops/s, p99 ${round(load.latency.p99, 2)} ms`,
      );
      ctx.record.figure(
        'reserve-ops',
        'reserve() throughput, one connection, 16 concurrent callers',
        Math.round(load.opsPerSec),
        'ops/s',
      );
      ctx.record.figure(
        'reserve-p99',
        'reserve() p99 latency under that load',
        round(load.latency.p99, 2),
        'ms',
      );
    } finally {
      await deleteRedisKeys(admin, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
