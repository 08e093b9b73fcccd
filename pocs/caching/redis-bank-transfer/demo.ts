import { defineDemo } from '../../../src/lab/index.ts';
import { runTransfers, type TransferRunResult } from './runTransfers.ts';
import { TRANSFERS, type TransferStrategy } from './transfers.ts';

const ACCOUNTS = 10;
const INITIAL = 100;
const CONNECTIONS = 20;
const MAX_AMOUNT = 60;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const transfers = ctx.quick ? 500 : 2_000;
    ctx.log(
      `${transfers.toLocaleString('en-US')} random transfers (1–${MAX_AMOUNT}) between ${ACCOUNTS} accounts of ${INITIAL}, ` +
        `over ${CONNECTIONS} connections; expected total ${ACCOUNTS * INITIAL}:`,
    );
    const results: TransferRunResult[] = [];
    for (const strategy of ['naive', 'watch-multi', 'lua'] as const) {
      ctx.signal.throwIfAborted();
      ctx.progress(`transfers: ${strategy}`);
      const r = await runTransfers(strategy, {
        url,
        keyPrefix: `${ctx.namespace}:${strategy}:`,
        accounts: ACCOUNTS,
        initialBalance: INITIAL,
        transfers,
        connections: CONNECTIONS,
        maxAmount: MAX_AMOUNT,
        signal: ctx.signal,
      });
      results.push(r);
      ctx.log(
        `  ${TRANSFERS[strategy].label.padEnd(26)} total ${String(r.finalTotal).padStart(5)} (drift ${r.drift >= 0 ? '+' : ''}${r.drift}), ` +
          `negative accounts ${r.negativeAccounts}, lowest ${r.lowestBalance}, moved ${r.moved}, refused ${r.refused}, ` +
          `retries ${r.retries}, ${Math.round(r.transfersPerSecond)} transfers/s`,
      );
    }
    const by = (s: TransferStrategy) => results.find((r) => r.strategy === s)!;
    ctx.record.figure(
      'expected-total',
      'Money in the system before and (if nothing is lost) after',
      ACCOUNTS * INITIAL,
    );
    ctx.record.figure(
      'naive-drift',
      'Money created (+) or destroyed (−) by the naive transfers',
      by('naive').drift,
    );
    ctx.record.figure('naive-abs-drift', 'Size of the naive drift', Math.abs(by('naive').drift));
    ctx.record.figure('watch-drift', 'Drift with WATCH/MULTI', by('watch-multi').drift);
    ctx.record.figure('lua-drift', 'Drift with the Lua script', by('lua').drift);
    ctx.record.figure(
      'watch-negative',
      'Negative balances with WATCH/MULTI',
      by('watch-multi').negativeAccounts,
    );
    ctx.record.figure('lua-negative', 'Negative balances with the Lua script', by('lua').negativeAccounts);
    ctx.record.table({
      id: 'transfers',
      title: `${transfers} concurrent transfers between ${ACCOUNTS} accounts (total ${ACCOUNTS * INITIAL})`,
      columns: [
        { key: 'strategy', label: 'Strategy' },
        { key: 'finalTotal', label: 'Total afterwards' },
        { key: 'drift', label: 'Drift' },
        { key: 'negativeAccounts', label: 'Negative balances' },
        { key: 'moved', label: 'Transfers made' },
        { key: 'refused', label: 'Refused (insufficient funds)' },
        { key: 'retries', label: 'WATCH retries' },
        { key: 'transfersPerSecond', label: 'Throughput', unit: 'transfers/s' },
      ],
      rows: results.map((r) => ({
        strategy: TRANSFERS[r.strategy].label,
        finalTotal: r.finalTotal,
        drift: r.drift,
        negativeAccounts: r.negativeAccounts,
        moved: r.moved,
        refused: r.refused,
        retries: r.retries,
        transfersPerSecond: Math.round(r.transfersPerSecond),
      })),
      chart: {
        type: 'bar',
        x: 'strategy',
        y: ['finalTotal'],
        title: `Total afterwards (should be ${ACCOUNTS * INITIAL})`,
      },
    });
    ctx.record.compare({
      id: 'lua-vs-watch-throughput',
      title: 'Transfers per second: Lua script vs WATCH/MULTI',
      unit: 'transfers/s',
      better: 'higher',
      baseline: { label: 'WATCH + MULTI/EXEC', value: Math.round(by('watch-multi').transfersPerSecond) },
      candidate: { label: 'Lua transfer script', value: Math.round(by('lua').transfersPerSecond) },
    });
    ctx.record.note(
      'Every strategy runs the same seeded list of transfers. No artificial pause between read and write. ' +
        `Amounts up to ${MAX_AMOUNT} against balances of ${INITIAL} make overdrafts common, so the "never negative" check is exercised.`,
    );
  },
});
