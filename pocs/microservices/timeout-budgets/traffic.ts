import { LatencyRecorder, type LatencySummary } from '../../../src/measure/LatencyRecorder.ts';
import { REQUEST_ID_HEADER } from './deadline.ts';

export interface TrafficResult {
  requests: number;
  /** Answered with the real result. */
  ok: number;
  /** Answered by A's fallback, on time. */
  fallbacks: number;
  failed: number;
  latency: LatencySummary;
  /** Every caller's wait, for assertions on the worst case. */
  latenciesMs: number[];
  /** Most user requests waiting on A at once. */
  maxOutstanding: number;
}

/**
 * Open-loop load: `requests` calls to A, one every 1000/ratePerSec ms, whether or not earlier ones have
 * answered, as real users do. Callers have no timeout of their own: what they wait is what A makes them wait.
 */
export async function sendTraffic(
  url: string,
  options: { requests: number; ratePerSec: number; signal?: AbortSignal },
): Promise<TrafficResult> {
  const latency = new LatencyRecorder();
  const latenciesMs: number[] = [];
  let ok = 0;
  let fallbacks = 0;
  let failed = 0;
  let outstanding = 0;
  let maxOutstanding = 0;
  const gapMs = 1000 / options.ratePerSec;
  const started = performance.now();
  const calls: Promise<void>[] = [];
  for (let i = 0; i < options.requests && !options.signal?.aborted; i++) {
    const wait = started + i * gapMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    calls.push(
      (async () => {
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        const t0 = performance.now();
        try {
          const response = await fetch(`${url}/work`, { headers: { [REQUEST_ID_HEADER]: `r${i}` } });
          const body = (await response.json()) as { fallback?: boolean };
          if (response.ok && body.fallback) fallbacks++;
          else if (response.ok) ok++;
          else failed++;
        } catch {
          failed++;
        } finally {
          const ms = performance.now() - t0;
          latency.recordMs(ms);
          latenciesMs.push(ms);
          outstanding--;
        }
      })(),
    );
  }
  await Promise.all(calls);
  return {
    requests: calls.length,
    ok,
    fallbacks,
    failed,
    latency: latency.summary(),
    latenciesMs,
    maxOutstanding,
  };
}
