import { createRequire } from 'node:module';
import { retry as cockatielRetry, ExponentialBackoff, handleType } from 'cockatiel';
import pg from 'pg';
import { defineDemo, round } from '../../../src/lab/index.ts';
import type { JitterStrategy } from './backoff.ts';
import {
  type ContentionResult,
  createCounterTable,
  type Retrier,
  runContention,
  VersionConflictError,
} from './occContention.ts';
import { retry } from './retry.ts';

const require = createRequire(import.meta.url);
const cockatielVersion = (require('cockatiel/package.json') as { version: string }).version;

interface Variant {
  key: string;
  label: string;
  retrier: Retrier;
}

export default defineDemo({
  async run(ctx) {
    const clientCounts = ctx.quick ? [5, 10] : [5, 10, 25, 50];
    const repeats = ctx.quick ? 1 : 2;
    const baseMs = 5;
    const capMs = ctx.quick ? 200 : 500;
    // The same generous limits for every variant: the experiment measures work and time, not give-ups.
    const maxAttempts = 1_000;
    const retryable = (e: unknown) => e instanceof VersionConflictError;

    // #region variants
    const ours =
      (jitter: JitterStrategy, base = baseMs, cap = capMs): Retrier =>
      (attempt) =>
        retry(attempt, { jitter, baseMs: base, capMs: cap, maxAttempts, retryable, signal: ctx.signal });
    // What most Node code reaches for: cockatiel's retry with its default ExponentialBackoff, whose default
    // generator is decorrelated jitter (Polly's "DecorrelatedJitterV2" formula, not the AWS post's).
    const library = cockatielRetry(handleType(VersionConflictError), {
      maxAttempts: maxAttempts - 1, // cockatiel counts retries, not calls
      backoff: new ExponentialBackoff({ initialDelay: baseMs, maxDelay: capMs }),
    });
    const variants: Variant[] = [
      { key: 'immediate', label: 'no backoff (retry at once)', retrier: ours('none', 0, 0) },
      { key: 'none', label: 'exponential, no jitter', retrier: ours('none') },
      { key: 'full', label: 'full jitter', retrier: ours('full') },
      { key: 'equal', label: 'equal jitter', retrier: ours('equal') },
      { key: 'decorrelated', label: 'decorrelated jitter', retrier: ours('decorrelated') },
      {
        key: 'cockatiel',
        label: `cockatiel ${cockatielVersion} ExponentialBackoff()`,
        retrier: (attempt) => library.execute(() => attempt(), ctx.signal),
      },
    ];
    // #endregion variants

    const pool = new pg.Pool({
      connectionString: ctx.service('postgres').url,
      max: 10,
      application_name: ctx.namespace,
    });
    const totals = new Map<string, { calls: number; ms: number; runs: number }>();
    let allSucceededOnce = true;
    try {
      const table = await createCounterTable(pool, ctx.namespace);
      ctx.log(
        `N clients start together; each reads the row's version and writes "where version = $v" until it wins once. ` +
          `Backoff base ${baseMs} ms, cap ${capMs} ms; pool of 10 PostgreSQL connections; mean of ${repeats} run(s).`,
      );
      const steps = clientCounts.length * repeats * variants.length;
      let done = 0;
      for (const clients of clientCounts) {
        for (let r = 0; r < repeats; r++) {
          // Rotate the order per repeat so no variant always runs on a warmer (or busier) server.
          const order = variants.map((_, i) => variants[(i + r) % variants.length]!);
          for (const v of order) {
            if (ctx.signal.aborted) return;
            ctx.progress(`${v.label}, ${clients} clients`, done++, steps);
            const result: ContentionResult = await runContention({
              pool,
              table,
              clients,
              retrier: v.retrier,
            });
            if (result.finalVersion !== clients || result.distinctWriters !== clients || result.gaveUp > 0)
              allSucceededOnce = false;
            const key = `${v.key}:${clients}`;
            const t = totals.get(key) ?? { calls: 0, ms: 0, runs: 0 };
            totals.set(key, { calls: t.calls + result.calls, ms: t.ms + result.elapsedMs, runs: t.runs + 1 });
          }
        }
      }
    } finally {
      await pool.query(`drop schema if exists "${ctx.namespace}" cascade`).catch(() => {});
      await pool.end();
    }

    const mean = (key: string, clients: number, field: 'calls' | 'ms') => {
      const t = totals.get(`${key}:${clients}`)!;
      return round(t[field] / t.runs, field === 'ms' ? 0 : 1);
    };
    const columns = (unit: string) => [
      { key: 'clients', label: 'Clients (N)' },
      ...variants.map((v) => ({ key: v.key, label: v.label, unit })),
    ];
    ctx.record.table({
      id: 'calls-vs-clients',
      title: 'Work: write attempts until all N clients succeeded once (mean per run)',
      columns: columns('calls'),
      rows: clientCounts.map((clients) => ({
        clients,
        ...Object.fromEntries(variants.map((v) => [v.key, mean(v.key, clients, 'calls')])),
      })),
      chart: { type: 'line', x: 'clients', y: variants.map((v) => v.key), title: 'Calls vs clients' },
    });
    ctx.record.table({
      id: 'time-vs-clients',
      title: 'Time until the last of N clients succeeded (mean per run)',
      columns: columns('ms'),
      rows: clientCounts.map((clients) => ({
        clients,
        ...Object.fromEntries(variants.map((v) => [v.key, mean(v.key, clients, 'ms')])),
      })),
      chart: {
        type: 'line',
        x: 'clients',
        y: variants.map((v) => v.key),
        title: 'Time to finish vs clients',
      },
    });

    const top = clientCounts.at(-1)!;
    ctx.record.figure(
      'all-succeeded-once',
      'Every client of every run succeeded exactly once',
      allSucceededOnce,
    );
    ctx.record.figure('max-clients', 'Largest N measured', top, 'clients');
    const compare = (
      id: string,
      title: string,
      unit: string,
      field: 'calls' | 'ms',
      a: Variant,
      b: Variant,
    ) =>
      ctx.record.compare({
        id,
        title,
        unit,
        better: 'lower',
        baseline: { label: a.label, value: mean(a.key, top, field) },
        candidate: { label: b.label, value: mean(b.key, top, field) },
      });
    const by = (key: string) => variants.find((v) => v.key === key)!;
    compare(
      'work-backoff-vs-immediate',
      `Calls at N=${top}: full jitter vs retrying at once`,
      'calls',
      'calls',
      by('immediate'),
      by('full'),
    );
    compare(
      'time-full-vs-none',
      `Time at N=${top}: full jitter vs exponential without jitter`,
      'ms',
      'ms',
      by('none'),
      by('full'),
    );
    compare(
      'time-decorrelated-vs-none',
      `Time at N=${top}: decorrelated jitter vs exponential without jitter`,
      'ms',
      'ms',
      by('none'),
      by('decorrelated'),
    );
    compare(
      'calls-ours-vs-cockatiel',
      `Calls at N=${top}: this POC's decorrelated jitter vs cockatiel's default`,
      'calls',
      'calls',
      by('cockatiel'),
      by('decorrelated'),
    );
    compare(
      'time-ours-vs-cockatiel',
      `Time at N=${top}: this POC's decorrelated jitter vs cockatiel's default`,
      'ms',
      'ms',
      by('cockatiel'),
      by('decorrelated'),
    );
    ctx.record.note(
      `Real PostgreSQL, one row, optimistic concurrency (select version; update ... where version = $v). Base ${baseMs} ms, ` +
        `cap ${capMs} ms, ${repeats} run(s) per cell, variants rotated between runs. "Calls" counts write attempts, as the ` +
        'AWS post does. Small N is noisy: read the trend across N, not a single cell.',
    );

    for (const clients of clientCounts) {
      ctx.log(
        `N=${String(clients).padStart(3)}  ` +
          variants
            .map((v) => `${v.key} ${mean(v.key, clients, 'calls')} calls/${mean(v.key, clients, 'ms')} ms`)
            .join('  '),
      );
    }
  },
});
