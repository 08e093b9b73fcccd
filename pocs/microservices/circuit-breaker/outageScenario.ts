import { setTimeout as sleep } from 'node:timers/promises';
import { LatencyRecorder, type LatencySummary } from '../../../src/lab/index.ts';
import { CircuitBreaker, type CircuitBreakerOptions, type CircuitState } from './CircuitBreaker.ts';
import { callWithTimeout } from './callWithTimeout.ts';
import { BrokenCircuitError } from './errors.ts';
import { type DependencyMode, FlakyDependency } from './FlakyDependency.ts';

export interface Phase {
  mode: DependencyMode;
  ms: number;
}

export interface OutageScenarioOptions {
  /** What the dependency does, in order. */
  phases: Phase[];
  /** Open-loop arrivals: requests per second, independent of how fast answers come back. */
  ratePerSec: number;
  /** Per-attempt timeout, with or without a breaker. */
  timeoutMs: number;
  /** Extra attempts after a failed one (0 = no retries). A BrokenCircuitError is never retried. */
  retries: number;
  retryDelayMs: number;
  /** Put a circuit breaker in front of the dependency; leave out for "timeout (and retries) only". */
  breaker?: Omit<CircuitBreakerOptions, 'timeoutMs'>;
  /** Width of one timeline slice. */
  sliceMs: number;
  signal?: AbortSignal;
  onStateChange?: (change: StateChangeAt) => void;
}

export interface StateChangeAt {
  tMs: number;
  from: CircuitState;
  to: CircuitState;
  reason: string;
}

export interface RequestSample {
  tMs: number;
  mode: DependencyMode;
  ms: number;
}

export interface OutageScenarioResult {
  requests: number;
  succeeded: number;
  failed: number;
  /** Requests that ended in BrokenCircuitError: answered at once, dependency untouched. */
  rejectedFast: number;
  /** Attempts that reached the dependency, total and per dependency mode. */
  reached: Record<DependencyMode | 'total', number>;
  /** Most attempts the dependency held at once: sockets, threads, memory the caller tied up. */
  maxInFlight: number;
  latency: LatencySummary;
  /** Callers whose request arrived while the dependency was down. */
  latencyDuringOutage: LatencySummary;
  /** Every request: when it arrived (ms since start), the dependency's mode then, and how long it took. */
  samples: RequestSample[];
  /** Attempts reaching the dependency per slice. */
  timeline: number[];
  stateChanges: StateChangeAt[];
}

/** The dependency's mode `tMs` after the scenario started (the last phase's mode once all have run). */
export function modeAt(phases: Phase[], tMs: number): DependencyMode {
  let end = 0;
  for (const p of phases) {
    end += p.ms;
    if (tMs < end) return p.mode;
  }
  return phases.at(-1)?.mode ?? 'healthy';
}

/**
 * Drives one caller population at a dependency that goes healthy -> down -> recovering. Arrivals are
 * open-loop (a fixed rate, like users hitting an API), so when the dependency hangs, requests pile up
 * instead of politely slowing down: that pile-up is how one dead dependency takes its callers down.
 */
export async function runOutageScenario(options: OutageScenarioOptions): Promise<OutageScenarioResult> {
  const { phases, ratePerSec, timeoutMs, retries, retryDelayMs, sliceMs, signal } = options;
  const totalMs = phases.reduce((sum, p) => sum + p.ms, 0);

  const dependency = new FlakyDependency();
  const timeline = new Array<number>(Math.ceil(totalMs / sliceMs) + 1).fill(0);
  const stateChanges: StateChangeAt[] = [];
  const start = performance.now();
  const elapsed = () => performance.now() - start;

  const reach = (s: AbortSignal) => {
    const slice = Math.min(timeline.length - 1, Math.floor(elapsed() / sliceMs));
    timeline[slice] = (timeline[slice] ?? 0) + 1;
    return dependency.call(s);
  };

  const breaker = options.breaker ? new CircuitBreaker({ ...options.breaker, timeoutMs }) : undefined;
  breaker?.on('stateChange', (e) => {
    const change = { tMs: elapsed(), from: e.from, to: e.to, reason: e.reason };
    stateChanges.push(change);
    options.onStateChange?.(change);
  });
  const attempt = breaker
    ? () => breaker.execute(reach)
    : () => callWithTimeout(reach, timeoutMs, { what: 'the dependency' });

  const samples: RequestSample[] = [];
  let succeeded = 0;
  let failed = 0;
  let rejectedFast = 0;

  const request = async () => {
    const issuedAt = performance.now();
    const tMs = issuedAt - start;
    try {
      for (let i = 0; ; i++) {
        try {
          await attempt();
          succeeded++;
          return;
        } catch (error) {
          if (error instanceof BrokenCircuitError) {
            rejectedFast++;
            throw error;
          }
          if (i >= retries) throw error;
          await sleep(retryDelayMs);
        }
      }
    } catch {
      failed++;
    } finally {
      samples.push({ tMs, mode: modeAt(phases, tMs), ms: performance.now() - issuedAt });
    }
  };

  // Not runLoad: its callers are closed-loop (each waits for its answer before the next call), which would
  // politely slow down when the dependency hangs; this needs arrivals that keep coming at a fixed rate.
  const pending: Promise<void>[] = [];
  let issued = 0;
  try {
    for (let t = elapsed(); t < totalMs && !signal?.aborted; t = elapsed()) {
      dependency.mode = modeAt(phases, t);
      // Catch up on every arrival that is due: a late tick fires a small burst, as real traffic would.
      const due = Math.floor((t * ratePerSec) / 1000);
      while (issued < due) {
        issued++;
        pending.push(request());
      }
      await sleep(1);
    }
    if (signal?.aborted) dependency.close();
    await Promise.all(pending);
  } finally {
    dependency.close();
    breaker?.dispose();
  }

  return {
    requests: issued,
    succeeded,
    failed,
    rejectedFast,
    reached: { ...dependency.received },
    maxInFlight: dependency.maxInFlight,
    latency: latencyOf(samples, () => true),
    latencyDuringOutage: latencyOf(samples, (r) => r.mode === 'down'),
    samples,
    timeline,
    stateChanges,
  };
}

/** Latency percentiles of the requests `keep` selects. */
export function latencyOf(
  samples: RequestSample[],
  keep: (sample: RequestSample) => boolean,
): LatencySummary {
  const recorder = new LatencyRecorder();
  for (const sample of samples) if (keep(sample)) recorder.recordMs(sample.ms);
  return recorder.summary();
}
