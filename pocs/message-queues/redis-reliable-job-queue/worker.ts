import { Redis } from 'ioredis';
import { queueKeys, ReliableQueue } from './ReliableQueue.ts';

export type WorkerMode = 'reliable' | 'brpop';

export interface WorkerOptions {
  url: string;
  prefix: string;
  workerId: string;
  mode: WorkerMode;
  /** Simulated work per job. */
  jobMs: number;
  heartbeatTtlMs: number;
  /** Stop once the queue stays empty this long (0: run until aborted). */
  idleExitMs: number;
  /** Called when a job starts and ends; the child process prints these for its parent. */
  onEvent?: (event: 'start' | 'done', job: string) => void;
  signal?: AbortSignal;
}

/** The job's side effect, counted per job so duplicates (at-least-once) and losses are visible. */
export const completionsKey = (prefix: string) => `${prefix}completions`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// #region worker-loop
/** One worker: claim, work, record the effect, acknowledge. Returns the number of jobs it finished. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const redis = new Redis(o.url, { maxRetriesPerRequest: 1 });
  const queue = new ReliableQueue(redis, o.prefix);
  const keys = queueKeys(o.prefix);
  // Only the reliable mode has anything for a reaper to recover, so only it reports liveness.
  const beat =
    o.mode === 'reliable'
      ? setInterval(() => queue.heartbeat(o.workerId, o.heartbeatTtlMs).catch(() => {}), o.heartbeatTtlMs / 3)
      : undefined;
  let finished = 0;
  let idleSince = Date.now();
  try {
    if (o.mode === 'reliable') await queue.heartbeat(o.workerId, o.heartbeatTtlMs);
    while (!o.signal?.aborted) {
      const job =
        o.mode === 'reliable'
          ? await queue.claim(o.workerId, 0.1)
          : ((await redis.brpop(keys.queue, 0.1))?.[1] ?? null); // popped: from here on only this process knows it
      if (job === null) {
        if (o.idleExitMs > 0 && Date.now() - idleSince > o.idleExitMs) break;
        continue;
      }
      o.onEvent?.('start', job);
      if (o.jobMs > 0) await sleep(o.jobMs);
      await redis.hincrby(completionsKey(o.prefix), job, 1); // the effect
      if (o.mode === 'reliable') await queue.complete(o.workerId, job); // the acknowledgement
      o.onEvent?.('done', job);
      finished++;
      idleSince = Date.now();
    }
    return finished;
  } finally {
    clearInterval(beat);
    await redis.quit().catch(() => redis.disconnect());
  }
}
// #endregion worker-loop
