import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, round, runLoad } from '../../../src/lab/index.ts';
import { Ledger, withLedgerScripts } from './Ledger.ts';
import { parseScriptError } from './scriptErrors.ts';

const ACCOUNTS = 20;
const TRANSFERS = 200;
const START_BALANCE = 1_000;

export default defineDemo({
  async run(ctx) {
    const ns = ctx.namespace;
    const redis = withLedgerScripts(new Redis(ctx.service('redis').url));
    const ledger = new Ledger({ redis, keyPrefix: `${ns}:` });
    try {
      // ── 1. What the client receives ─────────────────────────────────────────────────────────
      ctx.progress('error shapes');
      const shapes = [];
      for (const mode of ['error_reply', 'error', 'runtime'] as const) {
        const info = parseScriptError(await redis.raise(mode).catch((e: unknown) => e));
        shapes.push({
          raisedWith: mode === 'runtime' ? 'a bug (nil + 1)' : `${mode}()`,
          code: info.code,
          detail: info.detail,
          scriptLocation: info.location !== undefined,
        });
      }
      await redis.set(`${ns}:text`, 'not a number');
      for (const mode of ['call', 'pcall'] as const) {
        const reply = await redis.callVsPcall(`${ns}:text`, `${ns}:log`, mode).then(
          (r) => ({ code: `(no error) ${r[0]}`, detail: r[1], scriptLocation: false }),
          (e: unknown) => {
            const info = parseScriptError(e);
            return { code: info.code, detail: info.detail, scriptLocation: info.location !== undefined };
          },
        );
        shapes.push({ raisedWith: `redis.${mode}('INCR', textKey)`, ...reply });
      }
      ctx.log('What the client receives:');
      for (const s of shapes)
        ctx.log(
          `  ${s.raisedWith.padEnd(28)} ${s.code.padEnd(20)} ${s.detail}${s.scriptLocation ? '  [+ script location]' : ''}`,
        );
      ctx.record.table({
        id: 'error-shapes',
        title: 'How a script ends in an error, and what the client receives',
        columns: [
          { key: 'raisedWith', label: 'In the script' },
          { key: 'code', label: 'First word (code)' },
          { key: 'detail', label: 'Message' },
          { key: 'scriptLocation', label: 'Script sha and line appended' },
        ],
        rows: shapes,
      });

      // ── 2. Half-run scripts lose money; validate-first ones do not ──────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('transfers with corrupted accounts');
      const rows = [];
      for (const variant of ['unsafe', 'safe'] as const) {
        const acct = (i: number) => `${variant}-${i}`;
        for (let i = 0; i < ACCOUNTS; i++) await redis.set(ledger.key(acct(i)), START_BALANCE);
        // One account in ten holds garbage (a bad migration, a bug in another service).
        for (let i = 0; i < ACCOUNTS; i += 10) await redis.set(ledger.key(acct(i)), 'corrupted');
        let failed = 0;
        for (let t = 0; t < TRANSFERS; t++) {
          const from = acct(1 + (t % (ACCOUNTS - 1)));
          const to = acct((t * 7) % ACCOUNTS);
          if (from === to) continue;
          const move =
            variant === 'unsafe' ? ledger.transferUnsafe(from, to, 10) : ledger.transfer(from, to, 10);
          await move.catch(() => failed++);
        }
        let total = 0;
        let healthy = 0;
        for (let i = 0; i < ACCOUNTS; i++) {
          const value = Number(await redis.get(ledger.key(acct(i))));
          if (Number.isFinite(value)) {
            total += value;
            healthy++;
          }
        }
        rows.push({
          implementation:
            variant === 'unsafe'
              ? 'transferUnsafe-2.lua (write, write)'
              : 'transferSafe-2.lua (validate, then write)',
          failedTransfers: failed,
          expectedTotal: healthy * START_BALANCE,
          actualTotal: total,
          moneyLost: healthy * START_BALANCE - total,
        });
      }
      ctx.log('');
      ctx.log(`${TRANSFERS} transfers of 10 among ${ACCOUNTS} accounts, ${ACCOUNTS / 10} of them corrupted:`);
      for (const r of rows)
        ctx.log(`  ${r.implementation.padEnd(42)} ${r.failedTransfers} failed, money lost: ${r.moneyLost}`);
      ctx.record.figure('unsafe-money-lost', 'Money lost by the write-write script', rows[0]!.moneyLost);
      ctx.record.figure('safe-money-lost', 'Money lost by the validate-first script', rows[1]!.moneyLost);
      ctx.record.table({
        id: 'half-run',
        title: `${TRANSFERS} transfers of 10 among ${ACCOUNTS} accounts, one in ten holding a non-integer`,
        columns: [
          { key: 'implementation', label: 'Script' },
          { key: 'failedTransfers', label: 'Transfers that errored' },
          { key: 'expectedTotal', label: 'Money in healthy accounts before' },
          { key: 'actualTotal', label: 'Money in healthy accounts after' },
          { key: 'moneyLost', label: 'Money lost' },
        ],
        rows,
        chart: {
          type: 'bar',
          x: 'implementation',
          y: ['moneyLost'],
          title: 'Money lost to half-run scripts',
        },
      });

      // ── 3. What validating first costs ──────────────────────────────────────────────────────
      ctx.signal.throwIfAborted();
      const durationMs = ctx.quick ? 200 : 1_000;
      const cost = [];
      for (const variant of ['unsafe', 'safe'] as const) {
        ctx.progress(`throughput: ${variant}`);
        await redis.set(ledger.key(`bench-${variant}-a`), 1e12);
        const load = await runLoad(
          () =>
            variant === 'unsafe'
              ? ledger.transferUnsafe(`bench-${variant}-a`, `bench-${variant}-b`, 1)
              : ledger.transfer(`bench-${variant}-a`, `bench-${variant}-b`, 1),
          { concurrency: 16, durationMs, warmupOps: 100, signal: ctx.signal },
        );
        if (load.errors > 0) throw new Error(`benchmark transfers failed: ${load.errorSamples.join('; ')}`);
        cost.push({
          implementation: rows[variant === 'unsafe' ? 0 : 1]!.implementation,
          opsPerSec: Math.round(load.opsPerSec),
          p99: round(load.latency.p99, 2),
        });
      }
      ctx.record.table({
        id: 'validation-cost',
        title: 'Throughput of each transfer script, one connection, 16 concurrent callers',
        columns: [
          { key: 'implementation', label: 'Script' },
          { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows: cost,
        chart: { type: 'bar', x: 'implementation', y: ['opsPerSec'], title: 'Throughput (higher is better)' },
      });
      ctx.record.compare({
        id: 'validate-first-cost',
        title: 'Throughput of the transfer',
        unit: 'ops/s',
        better: 'higher',
        baseline: { label: cost[0]!.implementation, value: cost[0]!.opsPerSec },
        candidate: { label: cost[1]!.implementation, value: cost[1]!.opsPerSec },
      });
      ctx.log('');
      for (const c of cost)
        ctx.log(
          `  ${c.implementation.padEnd(42)} ${c.opsPerSec.toLocaleString('en-US')} ops/s  p99 ${c.p99} ms`,
        );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
