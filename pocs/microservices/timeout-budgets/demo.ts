import { createRequire } from 'node:module';
import { defineDemo, round } from '../../../src/lab/index.ts';
import { type AmplificationResult, measureAmplification, type RetryPlacement } from './amplification.ts';
import { type ChainPolicy, startChain } from './chain.ts';
import { sendTraffic, type TrafficResult } from './traffic.ts';

const require = createRequire(import.meta.url);
const cockatielVersion = (require('cockatiel/package.json') as { version: string }).version;

interface PolicyRun {
  label: string;
  traffic: TrafficResult;
  c: { started: number; completed: number; cancelled: number; refused: number; maxInFlight: number };
  wasted: number;
}

export default defineDemo({
  async run(ctx) {
    // ---- Part 1: C gets slow; three ways to configure time on the chain A -> B -> C ----
    const deadlineMs = 300;
    const slow = { cWorkMs: 600, stepMs: 10, hopWorkMs: 5, proxyLatencyMs: 200 };
    const load = ctx.quick ? { requests: 30, ratePerSec: 60 } : { requests: 150, ratePerSec: 100 };
    const policies: [string, ChainPolicy][] = [
      ['no deadlines', { propagate: false }],
      [`timeout at A only (${deadlineMs} ms)`, { deadlineMs, propagate: false }],
      [`deadline budget propagated (${deadlineMs} ms)`, { deadlineMs, propagate: true }],
    ];
    ctx.log(
      `A -> B -> [fault proxy +${slow.proxyLatencyMs} ms each way] -> C (${slow.cWorkMs} ms of work). ` +
        `${load.requests} user requests at ${load.ratePerSec}/s, open loop.`,
    );
    const runs: PolicyRun[] = [];
    for (const [label, policy] of policies) {
      if (ctx.signal.aborted) return;
      ctx.progress(`chain: ${label}`);
      const chain = await startChain({ ...slow, policy });
      try {
        const traffic = await sendTraffic(chain.url, { ...load, signal: ctx.signal });
        // Let C finish (or stop) what it started before counting: wasted work happens after the caller left.
        // Requests still inside the proxy land first (2 x its latency), then C's in-flight work drains.
        await new Promise((r) => setTimeout(r, 2 * slow.proxyLatencyMs));
        const until = performance.now() + 5_000;
        while (chain.c.inFlight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
        const { started, completed, cancelled, refused, maxInFlight } = chain.c;
        const wasted = [...chain.a.abandonedIds].filter((id) => chain.c.completedIds.has(id)).length;
        runs.push({ label, traffic, c: { started, completed, cancelled, refused, maxInFlight }, wasted });
      } finally {
        await chain.close();
      }
    }

    ctx.record.table({
      id: 'caller-latency',
      title: `What A's callers waited while C was slow (A's deadline ${deadlineMs} ms where set)`,
      columns: [
        { key: 'policy', label: 'Time policy' },
        { key: 'ok', label: 'Real answers' },
        { key: 'fallbacks', label: 'Fallback answers' },
        { key: 'p50Ms', label: 'Caller p50', unit: 'ms' },
        { key: 'p99Ms', label: 'Caller p99', unit: 'ms' },
        { key: 'maxMs', label: 'Caller max', unit: 'ms' },
        { key: 'maxOutstanding', label: 'Max requests waiting on A at once' },
      ],
      rows: runs.map((r) => ({
        policy: r.label,
        ok: r.traffic.ok,
        fallbacks: r.traffic.fallbacks,
        p50Ms: round(r.traffic.latency.p50, 1),
        p99Ms: round(r.traffic.latency.p99, 1),
        maxMs: round(r.traffic.latency.max, 1),
        maxOutstanding: r.traffic.maxOutstanding,
      })),
      chart: { type: 'bar', x: 'policy', y: ['p50Ms', 'p99Ms'], title: 'Caller latency (lower is better)' },
    });
    ctx.record.table({
      id: 'work-at-c',
      title: 'What C did with the requests',
      columns: [
        { key: 'policy', label: 'Time policy' },
        { key: 'neverReached', label: 'Cancelled before reaching C' },
        { key: 'started', label: 'Started at C' },
        { key: 'completed', label: 'Completed at C' },
        { key: 'cancelled', label: 'Stopped part-way at C' },
        { key: 'refused', label: 'Refused (budget spent on arrival)' },
        { key: 'wasted', label: 'Completed for callers who had left' },
        { key: 'maxInFlight', label: 'Max in flight at C' },
      ],
      rows: runs.map((r) => ({
        policy: r.label,
        neverReached: r.traffic.requests - r.c.started - r.c.refused,
        started: r.c.started,
        completed: r.c.completed,
        cancelled: r.c.cancelled,
        refused: r.c.refused,
        wasted: r.wasted,
        maxInFlight: r.c.maxInFlight,
      })),
      chart: { type: 'bar', x: 'policy', y: ['completed', 'cancelled', 'wasted'], title: 'Work at C' },
    });
    const [none, aOnly, budget] = runs as [PolicyRun, PolicyRun, PolicyRun];
    ctx.record.compare({
      id: 'caller-p99',
      title: 'Caller p99 while C is slow: no deadlines vs a propagated budget',
      unit: 'ms',
      better: 'lower',
      baseline: { label: none.label, value: round(none.traffic.latency.p99, 1) },
      candidate: { label: budget.label, value: round(budget.traffic.latency.p99, 1) },
    });
    ctx.record.compare({
      id: 'c-max-in-flight',
      title: 'Most requests in flight at C at once',
      unit: 'requests',
      better: 'lower',
      baseline: { label: none.label, value: none.c.maxInFlight },
      candidate: { label: budget.label, value: budget.c.maxInFlight },
    });
    ctx.record.compare({
      id: 'wasted-work',
      title: 'Requests C completed after the caller had given up',
      unit: 'requests',
      better: 'lower',
      baseline: { label: aOnly.label, value: aOnly.wasted },
      candidate: { label: budget.label, value: budget.wasted },
    });
    ctx.record.figure('deadline-ms', "A's deadline", deadlineMs, 'ms');
    ctx.record.figure(
      'slowest-budget-answer',
      'Slowest caller with a propagated budget',
      round(budget.traffic.latency.max, 1),
      'ms',
    );
    ctx.record.figure(
      'slowest-no-deadline-answer',
      'Slowest caller without deadlines',
      round(none.traffic.latency.max, 1),
      'ms',
    );
    ctx.record.figure(
      'budget-cancelled-at-c',
      'Requests C stopped part-way (propagated budget)',
      budget.c.cancelled,
    );
    ctx.record.figure(
      'budget-wasted-at-c',
      'Requests C completed for callers who had left (propagated budget)',
      budget.wasted,
    );
    for (const r of runs) {
      ctx.log(
        `${r.label.padEnd(40)} caller p50/p99 ${round(r.traffic.latency.p50, 0)}/${round(r.traffic.latency.p99, 0)} ms, ` +
          `C started ${r.c.started} completed ${r.c.completed} cancelled ${r.c.cancelled} wasted ${r.wasted}, ` +
          `max in flight at C ${r.c.maxInFlight}`,
      );
    }

    // ---- Part 2: C is down; where the retries live decides how many calls it receives ----
    const placements: [string, RetryPlacement, number][] = [
      ['3 retries at every layer (user, A, B)', { client: 3, a: 3, b: 3 }, ctx.quick ? 2 : 10],
      ['3 retries at B only', { client: 0, a: 0, b: 3 }, ctx.quick ? 10 : 50],
      ['3 retries at B only + retry budget', { client: 0, a: 0, b: 3, budget: true }, ctx.quick ? 10 : 50],
      [
        `3 retries at B only + cockatiel ${cockatielVersion} breaker`,
        { client: 0, a: 0, b: 3, breaker: true },
        ctx.quick ? 10 : 50,
      ],
    ];
    const amplification: [string, AmplificationResult][] = [];
    for (const [label, placement, userRequests] of placements) {
      if (ctx.signal.aborted) return;
      ctx.progress(`amplification: ${label}`);
      amplification.push([
        label,
        await measureAmplification(placement, { userRequests, signal: ctx.signal }),
      ]);
    }
    ctx.record.table({
      id: 'retry-amplification',
      title: 'C answers 503 to everything: calls that reach C per user request',
      columns: [
        { key: 'placement', label: 'Where the retries are' },
        { key: 'userRequests', label: 'User requests' },
        { key: 'callsAtC', label: 'Calls at C' },
        { key: 'factor', label: 'Calls at C per user request' },
        { key: 'worstCase', label: 'Worst case without budget or breaker' },
        { key: 'meanWaitMs', label: 'Mean user wait', unit: 'ms' },
      ],
      rows: amplification.map(([placement, r]) => ({
        placement,
        userRequests: r.userRequests,
        callsAtC: r.callsAtC,
        factor: round(r.factor, 2),
        worstCase: r.expectedFactor,
        meanWaitMs: round(r.meanUserWaitMs, 1),
      })),
      chart: { type: 'bar', x: 'placement', y: ['factor'], title: 'Calls at C per user request' },
    });
    const everywhere = amplification[0]![1];
    const budgeted = amplification[2]![1];
    ctx.record.figure(
      'amplification-factor',
      'Calls at C per user request, 3 retries at each of 3 layers',
      round(everywhere.factor, 2),
    );
    ctx.record.figure(
      'amplification-expected',
      'Product of attempts per layer (4 x 4 x 4)',
      everywhere.expectedFactor,
    );
    ctx.record.compare({
      id: 'amplification-one-layer-budget',
      title: 'Calls at C per user request: retries everywhere vs one layer with a retry budget',
      unit: 'calls',
      better: 'lower',
      baseline: { label: amplification[0]![0], value: round(everywhere.factor, 2) },
      candidate: { label: amplification[2]![0], value: round(budgeted.factor, 2) },
    });
    for (const [label, r] of amplification)
      ctx.log(
        `${label.padEnd(48)} ${round(r.factor, 2)} calls at C per user request (worst case ${r.expectedFactor})`,
      );
    ctx.record.note(
      'All servers are node:http in this process on 127.0.0.1; the latency in front of C comes from src/faults/FaultProxy.ts. ' +
        'Part 2 backs off 1-4 ms (full jitter) between retries so it runs in seconds; real backoffs only stretch the same calls over more time.',
    );
  },
});
