import { createRequire } from 'node:module';
import { circuitBreaker, handleAll, SamplingBreaker } from 'cockatiel';
import Opossum from 'opossum';
import { type Comparison, defineDemo, round } from '../../../src/lab/index.ts';
import { CircuitBreaker } from './CircuitBreaker.ts';
import {
  latencyOf,
  modeAt,
  type OutageScenarioResult,
  type Phase,
  runOutageScenario,
} from './outageScenario.ts';
import { measureOverhead } from './overhead.ts';

const require = createRequire(import.meta.url);
const versionOf = (pkg: string): string => (require(`${pkg}/package.json`) as { version: string }).version;

export default defineDemo({
  async run(ctx) {
    // ---- Part 1: a dependency dies and recovers; three caller populations hit it at the same time ----
    const scale = ctx.quick ? 0.3 : 1;
    const phases: Phase[] = [
      { mode: 'healthy', ms: 1500 * scale },
      { mode: 'down', ms: 3000 * scale },
      { mode: 'recovering', ms: 1500 * scale },
    ];
    const outageStart = phases[0]!.ms;
    const ratePerSec = ctx.quick ? 200 : 400;
    const timeoutMs = ctx.quick ? 50 : 100;
    const sliceMs = ctx.quick ? 100 : 250;
    const breaker = {
      name: 'inventory',
      failureRateThreshold: 0.5,
      minimumRequests: 20,
      windowMs: 1000 * scale,
      buckets: 10,
      openMs: 500 * scale,
    };
    const common = { phases, ratePerSec, timeoutMs, retryDelayMs: 10, sliceMs, signal: ctx.signal };

    ctx.log(
      `Dependency "inventory": healthy ${phases[0]!.ms} ms -> down (hangs, never answers) ${phases[1]!.ms} ms ` +
        `-> recovering (slower, 10% errors) ${phases[2]!.ms} ms. ${ratePerSec} requests/s arrive regardless.`,
    );
    ctx.log(
      `Every attempt times out after ${timeoutMs} ms. Breaker: opens at >= 50% failures over ${breaker.windowMs} ms ` +
        `(min ${breaker.minimumRequests} calls), cools down ${breaker.openMs} ms, then lets ONE probe through.`,
    );
    ctx.progress('outage: three caller populations running side by side');
    const [plain, retrying, guarded] = await Promise.all([
      runOutageScenario({ ...common, retries: 0 }),
      runOutageScenario({ ...common, retries: 2 }),
      runOutageScenario({
        ...common,
        retries: 2,
        breaker,
        onStateChange: (c) =>
          ctx.log(`  t=${(c.tMs / 1000).toFixed(2)}s  breaker ${c.from} -> ${c.to}: ${c.reason}`),
      }),
    ]);

    if (ctx.signal.aborted) return;

    const variants: [string, OutageScenarioResult][] = [
      ['timeout only', plain],
      ['timeout + 2 retries', retrying],
      ['breaker + same retries', guarded],
    ];
    // The three populations share one timeline, so "after the breaker tripped" is the same moment for all.
    const tripAt = guarded.stateChanges.find((c) => c.to === 'open')?.tMs ?? outageStart;
    const afterTrip = (r: OutageScenarioResult) =>
      latencyOf(r.samples, (x) => x.mode === 'down' && x.tMs >= tripAt);
    ctx.record.table({
      id: 'outage',
      title: `A dependency hangs for ${phases[1]!.ms} ms: what reaches it, and what callers wait`,
      columns: [
        { key: 'callers', label: 'Callers' },
        { key: 'requests', label: 'Requests' },
        { key: 'reachedWhileDown', label: 'Attempts that reached the dead dependency' },
        { key: 'maxInFlight', label: 'Max attempts hung at once' },
        { key: 'rejectedFast', label: 'Rejected fast by the breaker' },
        { key: 'failed', label: 'Requests failed' },
        { key: 'p50OutageMs', label: 'Caller p50 during outage', unit: 'ms' },
        { key: 'p99OutageMs', label: 'Caller p99 during outage', unit: 'ms' },
        { key: 'p99AfterTripMs', label: 'Caller p99 during outage, after the trip', unit: 'ms' },
      ],
      rows: variants.map(([callers, r]) => ({
        callers,
        requests: r.requests,
        reachedWhileDown: r.reached.down,
        maxInFlight: r.maxInFlight,
        rejectedFast: r.rejectedFast,
        failed: r.failed,
        p50OutageMs: round(r.latencyDuringOutage.p50, 2),
        p99OutageMs: round(r.latencyDuringOutage.p99, 2),
        p99AfterTripMs: round(afterTrip(r).p99, 2),
      })),
      chart: {
        type: 'bar',
        x: 'callers',
        y: ['reachedWhileDown'],
        title: 'Attempts that reached the dead dependency',
      },
    });

    ctx.record.table({
      id: 'timeline',
      title: `Attempts reaching the dependency per ${sliceMs} ms`,
      columns: [
        { key: 't', label: 'Time', unit: 's' },
        { key: 'phase', label: 'Dependency' },
        { key: 'timeoutOnly', label: 'timeout only' },
        { key: 'retries', label: 'timeout + 2 retries' },
        { key: 'breaker', label: 'breaker + same retries' },
      ],
      rows: plain.timeline.map((count, i) => ({
        t: round((i * sliceMs) / 1000, 2),
        phase: modeAt(phases, i * sliceMs),
        timeoutOnly: count,
        retries: retrying.timeline[i] ?? 0,
        breaker: guarded.timeline[i] ?? 0,
      })),
      chart: {
        type: 'line',
        x: 't',
        y: ['timeoutOnly', 'retries', 'breaker'],
        title: 'Load on the dependency',
      },
    });

    // Same retry policy on both sides: the only difference is the breaker.
    const vsRetrying = (
      spec: Pick<Comparison, 'id' | 'title' | 'unit'>,
      value: (r: OutageScenarioResult) => number,
    ) =>
      ctx.record.compare({
        ...spec,
        better: 'lower',
        baseline: { label: 'timeout + 2 retries', value: value(retrying) },
        candidate: { label: 'breaker + same retries', value: value(guarded) },
      });
    vsRetrying(
      {
        id: 'dead-dependency-attempts',
        title: 'Attempts that reached the dead dependency (same retry policy)',
        unit: 'attempts',
      },
      (r) => r.reached.down,
    );
    vsRetrying(
      {
        id: 'outage-caller-p99',
        title: 'Caller p99 over the whole outage (includes the callers caught before the trip)',
        unit: 'ms',
      },
      (r) => round(r.latencyDuringOutage.p99, 1),
    );
    // The mean shows what fail-fast buys the typical caller. (The p99 after the trip is in the table; as a
    // ratio it rounds to 0 once the probes are under 1% of requests, which says little.)
    vsRetrying(
      {
        id: 'outage-caller-mean',
        title: 'Mean caller wait while the dependency is down (fail fast vs wait for timeouts)',
        unit: 'ms',
      },
      (r) => round(r.latencyDuringOutage.mean, 1),
    );
    ctx.record.figure('trip-delay', 'Outage start to breaker open', round(tripAt - outageStart, 0), 'ms');
    ctx.record.figure(
      'probes',
      'Probe calls let through (half-open transitions)',
      guarded.stateChanges.filter((c) => c.to === 'half-open').length,
    );
    ctx.record.note(
      'Part 1: in-process simulated dependency, open-loop arrivals, the three caller populations run concurrently ' +
        'in one process against three identical dependencies on the same timeline.',
    );

    for (const [callers, r] of variants) {
      ctx.log(
        `${callers.padEnd(23)} ${String(r.reached.down).padStart(5)} attempts hit the dead dependency, ` +
          `caller p50/p99 during outage ${round(r.latencyDuringOutage.p50, 1)}/${round(r.latencyDuringOutage.p99, 1)} ms, ` +
          `p99 after the trip ${round(afterTrip(r).p99, 1)} ms`,
      );
    }

    // ---- Part 2: what the breaker costs on the happy path, next to opossum and cockatiel ----
    const iterations = ctx.quick ? 20_000 : 200_000;
    const rounds = ctx.quick ? 3 : 7;
    const target = async () => 42;
    // Equivalent settings where the libraries have them: 50% over a 10 s window, min volume, 5 s cool-down.
    const ours = new CircuitBreaker({
      timeoutMs: 0,
      failureRateThreshold: 0.5,
      windowMs: 10_000,
      openMs: 5_000,
    });
    const oursTimeout = new CircuitBreaker({ timeoutMs: 1_000, windowMs: 10_000, openMs: 5_000 });
    const opossumOptions = {
      errorThresholdPercentage: 50,
      resetTimeout: 5_000,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
      volumeThreshold: 20,
    };
    const opossum = new Opossum(target, {
      ...opossumOptions,
      timeout: false,
      rollingPercentilesEnabled: false,
    });
    const opossumTimeout = new Opossum(target, { ...opossumOptions, timeout: 1_000 });
    const cockatiel = circuitBreaker(handleAll, {
      halfOpenAfter: 5_000,
      breaker: new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 2 }),
    });
    const opossumV = `opossum ${versionOf('opossum')}`;
    const cockatielV = `cockatiel ${versionOf('cockatiel')}`;
    try {
      ctx.progress(`overhead: ${rounds} rounds x ${iterations} calls per variant`, 0, rounds);
      const results = await measureOverhead(
        [
          { label: 'no breaker (baseline)', call: target },
          { label: 'this POC', call: () => ours.execute(target) },
          { label: 'this POC + 1 s timeout', call: () => oursTimeout.execute(target) },
          { label: opossumV, call: () => opossum.fire() },
          { label: `${opossumV} + 1 s timeout`, call: () => opossumTimeout.fire() },
          { label: `${cockatielV} SamplingBreaker`, call: () => cockatiel.execute(target) },
        ],
        {
          iterations,
          rounds,
          signal: ctx.signal,
          onRound: (r) => ctx.progress('overhead', r, rounds),
        },
      );
      const base = results[0]!.nsPerCall;
      ctx.record.table({
        id: 'overhead',
        title: `Cost per call, closed state, trivial async function (median of ${rounds} rounds x ${iterations} calls)`,
        columns: [
          { key: 'variant', label: 'Variant' },
          { key: 'nsPerCall', label: 'Time per call', unit: 'ns' },
          { key: 'overheadNs', label: 'Added by the breaker', unit: 'ns' },
          { key: 'opsPerSec', label: 'Calls per second', unit: 'ops/s' },
          { key: 'spread', label: 'Rounds min-max', unit: 'ns' },
        ],
        rows: results.map((r) => ({
          variant: r.label,
          nsPerCall: Math.round(r.nsPerCall),
          overheadNs: Math.round(r.nsPerCall - base),
          opsPerSec: Math.round(r.opsPerSec),
          spread: `${Math.round(Math.min(...r.rounds))}-${Math.round(Math.max(...r.rounds))}`,
        })),
        chart: { type: 'bar', x: 'variant', y: ['nsPerCall'], title: 'ns per call (lower is better)' },
      });
      const ns = (label: string) => round(results.find((r) => r.label === label)!.nsPerCall, 0);
      const vsLibrary = (id: string, title: string, library: string, ours: string) =>
        ctx.record.compare({
          id,
          title,
          unit: 'ns',
          better: 'lower',
          baseline: { label: library, value: ns(library) },
          candidate: { label: ours, value: ns(ours) },
        });
      vsLibrary(
        'overhead-vs-opossum',
        'Cost per call vs opossum (both without a per-call timeout)',
        opossumV,
        'this POC',
      );
      vsLibrary(
        'overhead-timeout-vs-opossum',
        'Cost per call vs opossum (both with a 1 s per-call timeout)',
        `${opossumV} + 1 s timeout`,
        'this POC + 1 s timeout',
      );
      vsLibrary(
        'overhead-vs-cockatiel',
        'Cost per call vs cockatiel (no timeout policy)',
        `${cockatielV} SamplingBreaker`,
        'this POC',
      );
      ctx.record.note(
        'Part 2: opossum runs with timeout:false and rollingPercentilesEnabled:false in the no-timeout row (the ' +
          'closest match to this POC), and with its defaults plus a 1 s timeout in the timeout row. cockatiel has ' +
          'no timeout inside its breaker (it is a separate policy), so it appears only without one.',
      );
      for (const r of results) {
        ctx.log(
          `${r.label.padEnd(36)} ${String(Math.round(r.nsPerCall)).padStart(6)} ns/call ` +
            `(+${Math.round(r.nsPerCall - base)} ns over baseline)`,
        );
      }
    } finally {
      ours.dispose();
      oursTimeout.dispose();
      opossum.shutdown();
      opossumTimeout.shutdown();
    }
  },
});
