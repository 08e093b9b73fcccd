import { defineDemo, round } from '../../../src/lab/index.ts';
import { type IncrementRaceResult, type IncrementStrategy, runIncrementRace } from './incrementRace.ts';

const INCREMENTERS = 50;
const THINK_MS = 2;

const LABELS: Record<IncrementStrategy, string> = {
  naive: 'GET, compute, SET (no WATCH)',
  watch: 'WATCH, GET, compute, MULTI SET EXEC, retry on null',
  incr: 'INCR (one atomic command)',
};

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const rounds = ctx.quick ? 2 : 10;
    const key = `${ctx.namespace}:counter`;

    // ── 1. Same workload, three ways ─────────────────────────────────────────────────────────
    ctx.log(
      `${INCREMENTERS} incrementers, each on its own connection, ${rounds} increment(s) each, ` +
        `${THINK_MS} ms of "work" between read and write:`,
    );
    const results: IncrementRaceResult[] = [];
    for (const strategy of ['naive', 'watch', 'incr'] as const) {
      ctx.signal.throwIfAborted();
      ctx.progress(`race: ${strategy}`);
      const r = await runIncrementRace(strategy, {
        url,
        key,
        incrementers: INCREMENTERS,
        rounds,
        thinkMs: strategy === 'incr' ? 0 : THINK_MS,
        signal: ctx.signal,
      });
      results.push(r);
      ctx.log(
        `  ${LABELS[strategy].padEnd(52)} final ${r.final} of ${r.expected}, lost ${r.lostUpdates}, ` +
          `conflicts ${r.conflicts} (${round(r.retriesPerSuccess)} per success), ${Math.round(r.incrementsPerSecond)} increments/s`,
      );
    }
    const [naive, watch, incr] = results as [IncrementRaceResult, IncrementRaceResult, IncrementRaceResult];
    ctx.record.figure('watch-final', `Final count with WATCH (expected ${watch.expected})`, watch.final);
    ctx.record.figure('watch-expected', 'Increments made', watch.expected);
    ctx.record.figure('naive-lost-updates', 'Increments lost without WATCH', naive.lostUpdates);
    ctx.record.figure(
      'watch-retries-per-success',
      `Retries per successful increment with WATCH (${INCREMENTERS} contenders)`,
      round(watch.retriesPerSuccess),
    );
    ctx.record.table({
      id: 'strategies',
      title: `${INCREMENTERS} concurrent incrementers × ${rounds} increment(s) on one key`,
      columns: [
        { key: 'strategy', label: 'Strategy' },
        { key: 'expected', label: 'Increments made' },
        { key: 'final', label: 'Final count' },
        { key: 'lostUpdates', label: 'Lost updates' },
        { key: 'conflicts', label: 'Conflicts (EXEC null)' },
        { key: 'retriesPerSuccess', label: 'Retries per success' },
        { key: 'incrementsPerSecond', label: 'Throughput', unit: 'increments/s' },
      ],
      rows: results.map((r) => ({
        strategy: LABELS[r.strategy],
        expected: r.expected,
        final: r.final,
        lostUpdates: r.lostUpdates,
        conflicts: r.conflicts,
        retriesPerSuccess: round(r.retriesPerSuccess),
        incrementsPerSecond: Math.round(r.incrementsPerSecond),
      })),
      chart: {
        type: 'bar',
        x: 'strategy',
        y: ['final', 'lostUpdates'],
        title: 'Final count vs lost updates',
      },
    });

    // ── 2. How the price of optimism grows with contention ───────────────────────────────────
    ctx.log('');
    ctx.log('WATCH retries as contention grows (same key, same think time):');
    const sweep = [];
    for (const incrementers of ctx.quick ? [2, 10] : [2, 5, 10, 25, 50]) {
      ctx.signal.throwIfAborted();
      ctx.progress(`contention sweep: ${incrementers}`);
      const r = await runIncrementRace('watch', {
        url,
        key,
        incrementers,
        rounds,
        thinkMs: THINK_MS,
        signal: ctx.signal,
      });
      sweep.push({
        incrementers,
        retriesPerSuccess: round(r.retriesPerSuccess),
        incrementsPerSecond: Math.round(r.incrementsPerSecond),
        exact: r.lostUpdates === 0 ? 'yes' : 'no',
      });
      ctx.log(
        `  ${String(incrementers).padStart(3)} contenders: ${round(r.retriesPerSuccess)} retries per success, ` +
          `${Math.round(r.incrementsPerSecond)} increments/s, exact: ${r.lostUpdates === 0 ? 'yes' : 'no'}`,
      );
    }
    ctx.record.table({
      id: 'contention',
      title: 'WATCH/MULTI retries per successful increment as contenders grow',
      columns: [
        { key: 'incrementers', label: 'Concurrent incrementers' },
        { key: 'retriesPerSuccess', label: 'Retries per success' },
        { key: 'incrementsPerSecond', label: 'Throughput', unit: 'increments/s' },
        { key: 'exact', label: 'Exact count' },
      ],
      rows: sweep,
      chart: { type: 'line', x: 'incrementers', y: ['retriesPerSuccess'], title: 'Retries per success' },
    });

    ctx.record.compare({
      id: 'watch-vs-incr-throughput',
      title: 'Correct increments per second: WATCH/MULTI vs INCR',
      unit: 'increments/s',
      better: 'higher',
      baseline: { label: 'INCR (atomic command)', value: Math.round(incr.incrementsPerSecond) },
      candidate: { label: 'WATCH + MULTI/EXEC (optimistic)', value: Math.round(watch.incrementsPerSecond) },
    });
    ctx.record.note(
      `Each incrementer has its own ioredis connection because WATCH is connection state. The naive and WATCH ` +
        `variants wait ${THINK_MS} ms between read and write to stand for real work; INCR needs no read, so it has none. ` +
        'After a conflict the WATCH loop backs off 0–2 ms at random.',
    );
  },
});
