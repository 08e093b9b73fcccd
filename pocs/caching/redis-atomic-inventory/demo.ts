import { defineDemo } from '../../../src/lab/index.ts';
import { runSale, type SaleResult } from './runSale.ts';
import { STRATEGIES, type StrategyName } from './strategies.ts';

const ORDER: StrategyName[] = ['naive', 'decr-compensate', 'watch-multi', 'lua'];

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    // Quick mode (tests) uses fewer connections: WATCH's retries grow steeply with contenders.
    const CONNECTIONS = ctx.quick ? 20 : 50;
    const key = `${ctx.namespace}:stock`;

    // ── 1. The flash sale: 500 buyers, 100 units ──────────────────────────────────────────────
    const stock = 100;
    const buyers = 500;
    ctx.log(
      `Flash sale: ${buyers} concurrent buyers over ${CONNECTIONS} connections, ${stock} units in stock`,
    );
    const sale: SaleResult[] = [];
    for (const strategy of ORDER) {
      ctx.signal.throwIfAborted();
      ctx.progress(`sale: ${strategy}`);
      const r = await runSale(strategy, {
        url,
        key,
        // 1 ms of "work" between read and write (naive and WATCH only) makes the race window as
        // wide as a real handler's; without it the naive oversell depends on scheduling luck.
        thinkMs: 1,
        stock,
        buyers,
        connections: CONNECTIONS,
        signal: ctx.signal,
      });
      sale.push(r);
      ctx.log(
        `  ${STRATEGIES[strategy].label.padEnd(26)} sold ${String(r.sold).padStart(3)}  refused ${String(r.refused).padStart(3)}  ` +
          `oversold ${String(r.oversold).padStart(3)}  final stock ${String(r.finalStock).padStart(4)}  lowest seen ${r.lowestStockSeen}`,
      );
    }
    const by = (rows: SaleResult[], s: StrategyName) => rows.find((r) => r.strategy === s)!;
    ctx.record.figure(
      'naive-oversold',
      `Units oversold by GET-then-DECR (${stock} in stock)`,
      by(sale, 'naive').oversold,
    );
    ctx.record.figure('lua-sold', `Units sold by the Lua script (${stock} in stock)`, by(sale, 'lua').sold);
    ctx.record.figure(
      'lua-refused',
      `Buyers refused by the Lua script (of ${buyers})`,
      by(sale, 'lua').refused,
    );
    ctx.record.figure(
      'watch-sold',
      `Units sold with WATCH/MULTI (${stock} in stock)`,
      by(sale, 'watch-multi').sold,
    );
    ctx.record.figure(
      'decr-lowest-stock',
      'Lowest stock value written by DECR-and-compensate',
      by(sale, 'decr-compensate').lowestStockSeen,
    );
    ctx.record.table({
      id: 'flash-sale',
      title: `${buyers} concurrent buyers, ${stock} units, ${CONNECTIONS} connections`,
      columns: [
        { key: 'strategy', label: 'Strategy' },
        { key: 'sold', label: 'Sold' },
        { key: 'refused', label: 'Refused' },
        { key: 'oversold', label: 'Oversold' },
        { key: 'finalStock', label: 'Final stock' },
        { key: 'lowestStockSeen', label: 'Lowest stock written' },
        { key: 'retries', label: 'WATCH retries' },
      ],
      rows: sale.map((r) => ({
        strategy: STRATEGIES[r.strategy].label,
        sold: r.sold,
        refused: r.refused,
        oversold: r.oversold,
        finalStock: r.finalStock,
        lowestStockSeen: r.lowestStockSeen,
        retries: r.retries,
      })),
      chart: {
        type: 'bar',
        x: 'strategy',
        y: ['sold', 'oversold'],
        title: `Sold vs oversold (${stock} in stock)`,
      },
    });

    // ── 2. Throughput on a bigger sale ────────────────────────────────────────────────────────
    const bigStock = ctx.quick ? 100 : 1_000;
    const bigBuyers = bigStock * 2;
    ctx.log('');
    ctx.log(
      `Throughput: ${bigBuyers.toLocaleString('en-US')} buyers, ${bigStock.toLocaleString('en-US')} units, ${CONNECTIONS} connections`,
    );
    const bench: SaleResult[] = [];
    for (const strategy of ORDER) {
      ctx.signal.throwIfAborted();
      ctx.progress(`throughput: ${strategy}`);
      const r = await runSale(strategy, {
        url,
        key,
        stock: bigStock,
        buyers: bigBuyers,
        connections: CONNECTIONS,
        signal: ctx.signal,
      });
      bench.push(r);
      ctx.log(
        `  ${STRATEGIES[strategy].label.padEnd(26)} ${Math.round(r.purchasesPerSecond).toLocaleString('en-US').padStart(7)} attempts/s  ` +
          `oversold ${r.oversold}  retries ${r.retries}`,
      );
    }
    ctx.record.table({
      id: 'throughput',
      title: `Purchase attempts per second, ${bigBuyers} buyers for ${bigStock} units over ${CONNECTIONS} connections`,
      columns: [
        { key: 'strategy', label: 'Strategy' },
        { key: 'attemptsPerSecond', label: 'Throughput', unit: 'attempts/s' },
        { key: 'oversold', label: 'Oversold' },
        { key: 'retries', label: 'WATCH retries' },
        { key: 'correct', label: 'Never oversold, never negative' },
      ],
      rows: bench.map((r) => ({
        strategy: STRATEGIES[r.strategy].label,
        attemptsPerSecond: Math.round(r.purchasesPerSecond),
        oversold: r.oversold,
        retries: r.retries,
        correct: r.oversold === 0 && r.lowestStockSeen >= 0 ? 'yes' : 'no',
      })),
      chart: {
        type: 'bar',
        x: 'strategy',
        y: ['attemptsPerSecond'],
        title: 'Attempts per second (higher is better)',
      },
    });
    ctx.record.compare({
      id: 'lua-vs-watch-throughput',
      title: 'Purchase attempts per second: Lua script vs WATCH/MULTI',
      unit: 'attempts/s',
      better: 'higher',
      baseline: {
        label: 'WATCH + MULTI/EXEC',
        value: Math.round(by(bench, 'watch-multi').purchasesPerSecond),
      },
      candidate: { label: 'Lua check-and-decrement', value: Math.round(by(bench, 'lua').purchasesPerSecond) },
    });
    ctx.record.compare({
      id: 'lua-vs-decr-throughput',
      title: 'Purchase attempts per second: Lua script vs DECR-and-compensate',
      unit: 'attempts/s',
      better: 'higher',
      baseline: {
        label: 'DECR, INCR back if < 0',
        value: Math.round(by(bench, 'decr-compensate').purchasesPerSecond),
      },
      candidate: { label: 'Lua check-and-decrement', value: Math.round(by(bench, 'lua').purchasesPerSecond) },
    });
    ctx.record.note(
      'Flash sale: the read-then-write strategies (naive, WATCH) wait 1 ms between read and write, standing for a ' +
        'real handler’s work; DECR and Lua have no read to wait after. Throughput run: no pause at all. ' +
        'Each connection serves one buyer at a time; WATCH needs that, and the other strategies get the same treatment ' +
        'so the throughput columns compare like with like.',
    );
    ctx.record.note(
      '"Lowest stock written" is the lowest value any DECR / EXEC / script returned: a product page reading the key ' +
        'at that moment would have shown it.',
    );
  },
});
