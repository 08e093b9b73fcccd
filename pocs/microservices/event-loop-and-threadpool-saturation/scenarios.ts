import { type LatencySummary, runLoad } from '../../../src/lab/index.ts';
import type { LabServerProcess } from './LabServerProcess.ts';
import type { StatProbe } from './labServer.ts';

export interface PhaseOptions {
  durationMs: number;
  signal?: AbortSignal;
}

export interface LoopPhaseResult {
  fast: LatencySummary;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  cpuJobsPerSec: number;
}

/**
 * Two callers keep a cheap endpoint busy while two others send CPU work (or none): how long the cheap
 * requests take, and how late the server's event loop ran, measured inside the server.
 */
export async function measureLoopPhase(
  server: LabServerProcess,
  cpuPath: string | null,
  options: PhaseOptions,
): Promise<LoopPhaseResult> {
  await server.stats(true);
  const [fast, cpu] = await Promise.all([
    runLoad(() => server.get('/fast'), {
      concurrency: 2,
      durationMs: options.durationMs,
      signal: options.signal,
    }),
    cpuPath
      ? runLoad(() => server.get(cpuPath), {
          concurrency: 2,
          durationMs: options.durationMs,
          signal: options.signal,
        })
      : null,
  ]);
  const stats = await server.stats(true);
  throwIfErrors(fast.errorSamples, cpu?.errorSamples ?? []);
  return {
    fast: fast.latency,
    loopDelayP99Ms: stats.loopDelayP99Ms,
    loopDelayMaxMs: stats.loopDelayMaxMs,
    cpuJobsPerSec: cpu ? cpu.opsPerSec : 0,
  };
}

export interface PoolPhaseResult {
  /** Round trip of `/fs` (one fs.stat) seen by the client. */
  fs: LatencySummary;
  /** The fs.stat alone, timed inside the server: almost all of it is waiting for a libuv thread. */
  statP99Ms: number;
  /** pbkdf2 calls that finished while one fs.stat was in flight, on average: its place in the queue. */
  hashesAheadMean: number;
  hash: LatencySummary | null;
  hashesPerSec: number;
  loopDelayP99Ms: number;
}

/**
 * One caller probes `/fs` back to back while `hashCallers` callers keep async pbkdf2 calls (`/hash`) in
 * flight: with more hashes in flight than libuv threads, every fs.stat queues behind them.
 */
export async function measurePoolPhase(
  server: LabServerProcess,
  hashCallers: number,
  options: PhaseOptions,
): Promise<PoolPhaseResult> {
  await server.stats(true);
  const statMs: number[] = [];
  let hashesAhead = 0;
  const [fs, hash] = await Promise.all([
    runLoad(
      async () => {
        const { body } = await server.get<StatProbe>('/fs');
        statMs.push(body.ms);
        hashesAhead += body.hashesCompletedMeanwhile;
      },
      { concurrency: 1, durationMs: options.durationMs, signal: options.signal },
    ),
    hashCallers > 0
      ? runLoad(() => server.get('/hash'), {
          concurrency: hashCallers,
          durationMs: options.durationMs,
          signal: options.signal,
        })
      : null,
  ]);
  const stats = await server.stats(true);
  throwIfErrors(fs.errorSamples, hash?.errorSamples ?? []);
  statMs.sort((a, b) => a - b);
  return {
    fs: fs.latency,
    statP99Ms: round2(statMs[Math.min(statMs.length - 1, Math.floor(statMs.length * 0.99))] ?? 0),
    hashesAheadMean: statMs.length === 0 ? 0 : round2(hashesAhead / statMs.length),
    hash: hash ? hash.latency : null,
    hashesPerSec: hash ? hash.opsPerSec : 0,
    loopDelayP99Ms: stats.loopDelayP99Ms,
  };
}

function throwIfErrors(...samples: string[][]): void {
  const errors = samples.flat();
  if (errors.length > 0) throw new Error(`requests to the lab server failed: ${errors.join('; ')}`);
}

const round2 = (n: number) => Math.round(n * 100) / 100;
