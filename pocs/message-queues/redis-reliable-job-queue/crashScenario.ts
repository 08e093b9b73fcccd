import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Redis } from 'ioredis';
import { ReliableQueue, reapDeadWorkers } from './ReliableQueue.ts';
import { completionsKey, runWorker, type WorkerMode } from './worker.ts';

const WORKER_PROCESS = new URL('./workerProcess.ts', import.meta.url).pathname;

export interface CrashScenarioOptions {
  redis: Redis;
  url: string;
  prefix: string;
  mode: WorkerMode;
  jobs: number;
  /** The child is SIGKILLed right after it starts this job number (1-based), i.e. mid-job. */
  killAtStart: number;
  jobMs: number;
  heartbeatTtlMs: number;
  signal?: AbortSignal;
}

export interface CrashScenarioResult {
  mode: WorkerMode;
  jobs: number;
  /** The job the child was working on when it was killed. */
  killedDuring: string;
  requeuedByReaper: number;
  completedUnique: number;
  duplicates: number;
  lost: number;
  /** From the kill until the last job was done (heartbeat expiry + reaping + the rest of the work). */
  recoveryMs: number;
}

// #region crash-scenario
/**
 * N jobs; a real worker process is SIGKILLed in the middle of a job; the reaper runs once its
 * heartbeat has expired; a second worker drains the queue. Then every job's completion count is read.
 */
export async function runCrashScenario(o: CrashScenarioOptions): Promise<CrashScenarioResult> {
  if (!(o.killAtStart >= 1 && o.killAtStart < o.jobs))
    throw new Error('killAtStart must be between 1 and jobs - 1');
  const queue = new ReliableQueue(o.redis, o.prefix);
  const jobIds = Array.from({ length: o.jobs }, (_, i) => `job-${i + 1}`);
  await queue.enqueue(...jobIds);

  const child = spawn(
    process.execPath,
    [
      WORKER_PROCESS,
      JSON.stringify({
        url: o.url,
        prefix: o.prefix,
        workerId: 'doomed',
        mode: o.mode,
        jobMs: o.jobMs,
        heartbeatTtlMs: o.heartbeatTtlMs,
        idleExitMs: 0,
      }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let starts = 0;
  let killedDuring = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    const [event, job] = line.split(' ');
    if (event === 'start' && ++starts === o.killAtStart) {
      killedDuring = job!;
      child.kill('SIGKILL'); // no finally blocks, no acknowledgement: a crash, an OOM kill, a power cut
      break;
    }
  }
  await exited;
  if (!killedDuring)
    throw new Error(`the worker exited before starting job ${o.killAtStart}; see its stderr`);
  const killedAt = performance.now();

  let requeued: string[] = [];
  if (o.mode === 'reliable') {
    // A reaper would run on a timer; here it waits for the heartbeat to lapse, then runs once.
    await new Promise((r) => setTimeout(r, o.heartbeatTtlMs + 50));
    requeued = await reapDeadWorkers(o.redis, o.prefix);
  }
  await runWorker({
    url: o.url,
    prefix: o.prefix,
    workerId: 'survivor',
    mode: o.mode,
    jobMs: 0,
    heartbeatTtlMs: o.heartbeatTtlMs,
    idleExitMs: 300,
    signal: o.signal,
  });
  const recoveryMs = Math.round(performance.now() - killedAt);

  const counts = await o.redis.hgetall(completionsKey(o.prefix));
  const completedUnique = jobIds.filter((id) => Number(counts[id] ?? 0) > 0).length;
  const duplicates = jobIds.reduce((sum, id) => sum + Math.max(0, Number(counts[id] ?? 0) - 1), 0);
  return {
    mode: o.mode,
    jobs: o.jobs,
    killedDuring,
    requeuedByReaper: requeued.length,
    completedUnique,
    duplicates,
    lost: o.jobs - completedUnique,
    recoveryMs,
  };
}
// #endregion crash-scenario
