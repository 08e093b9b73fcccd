import { seededRandom } from '../../../src/lab/seededRandom.ts';
export type DependencyMode = 'healthy' | 'down' | 'recovering';

export interface FlakyDependencyOptions {
  /** Latency of a healthy answer. Default 2 ms. */
  latencyMs?: number;
  /** Latency while recovering (cold caches, warming pools). Default 5 ms. */
  recoveringLatencyMs?: number;
  /** Share of calls that fail while recovering. Default 0.1. */
  recoveringErrorRate?: number;
  /** Seed for the recovering-phase errors, so runs are repeatable. Default 1. */
  seed?: number;
}

/** What a dependency that is up but refuses a request throws (think HTTP 503). */
export class DependencyError extends Error {
  override readonly name = 'DependencyError';
}

/**
 * An in-process stand-in for a downstream service, with the failure mode that hurts most: when `down`
 * it accepts the request and never answers (a hung process, a black-holed packet, a full accept queue),
 * so the caller only learns about it from its own timeout. It honours the AbortSignal it is given, like
 * a well-behaved HTTP or DB client would, and counts every request that reached it.
 */
export class FlakyDependency {
  mode: DependencyMode = 'healthy';
  /** Requests that reached the dependency, in total and per mode. */
  readonly received: Record<DependencyMode | 'total', number> = {
    total: 0,
    healthy: 0,
    down: 0,
    recovering: 0,
  };
  /** Requests being worked on (or hung) right now, and the most at any moment. */
  inFlight = 0;
  maxInFlight = 0;

  private readonly latencyMs: number;
  private readonly recoveringLatencyMs: number;
  private readonly recoveringErrorRate: number;
  private readonly random: () => number;
  private readonly hung = new Set<(reason: unknown) => void>();

  constructor(options: FlakyDependencyOptions = {}) {
    this.latencyMs = options.latencyMs ?? 2;
    this.recoveringLatencyMs = options.recoveringLatencyMs ?? 5;
    this.recoveringErrorRate = options.recoveringErrorRate ?? 0.1;
    this.random = seededRandom(options.seed ?? 1); // repeatable "random" failures;
  }

  /** Handle one request. */
  call = (signal: AbortSignal): Promise<string> => {
    const mode = this.mode;
    this.received.total++;
    this.received[mode]++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = () => {
      this.inFlight--;
    };

    return new Promise<string>((resolve, reject) => {
      if (signal.aborted) {
        done();
        reject(signal.reason);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const fail = (reason: unknown) => {
        clearTimeout(timer);
        this.hung.delete(fail);
        done();
        reject(reason);
      };
      const onAbort = () => fail(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });

      if (mode === 'down') {
        // Never answers: only the caller's abort (or close()) ends the wait.
        this.hung.add(fail);
        return;
      }
      const latency = mode === 'healthy' ? this.latencyMs : this.recoveringLatencyMs;
      const refuses = mode === 'recovering' && this.random() < this.recoveringErrorRate;
      timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        done();
        if (refuses) reject(new DependencyError('503 Service Unavailable (still recovering)'));
        else resolve('ok');
      }, latency);
    });
  };

  /** Release every hung request (test and demo clean-up). */
  close(): void {
    for (const fail of [...this.hung]) fail(new Error('FlakyDependency closed'));
  }
}
