import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import type { JobServerOptions, JobServerStats } from './JobServer.ts';
import type { MemorySample } from './overload.ts';

export interface RunningJobServer {
  url: string;
  stop(): Promise<{ samples: MemorySample[]; stats: JobServerStats }>;
}

/** Starts a JobServer in a worker thread so its heap can be measured apart from the load generator. */
export async function startJobServerInWorker(
  options: JobServerOptions,
  sampleEveryMs: number,
): Promise<RunningJobServer> {
  const worker = new Worker(new URL('./jobServerWorker.ts', import.meta.url), {
    workerData: { options, sampleEveryMs },
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (m: { url: string }) => resolve(m.url));
    worker.once('error', reject);
  });
  return {
    url,
    stop: async () => {
      const result = new Promise<{ samples: MemorySample[]; stats: JobServerStats }>((resolve) =>
        worker.once('message', resolve),
      );
      worker.postMessage('stop');
      const r = await result;
      await worker.terminate();
      return r;
    },
  };
}

export interface LoadResult {
  sent: number;
  accepted: number;
  shed: number;
  failed: number;
  /** Retry-After values seen on 429 answers (seconds); empty if a 429 came without one. */
  retryAfter: number[];
  shedWithoutRetryAfter: number;
}

/** Open-loop load: `perTick` POSTs every `tickMs`, whether or not earlier ones were answered. */
export async function sendJobs(o: {
  url: string;
  perTick: number;
  tickMs: number;
  durationMs: number;
  payloadNumbers: number;
}): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const r: LoadResult = {
    sent: 0,
    accepted: 0,
    shed: 0,
    failed: 0,
    retryAfter: [],
    shedWithoutRetryAfter: 0,
  };
  const inFlight = new Set<Promise<void>>();
  const deadline = performance.now() + o.durationMs;
  let seq = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < o.perTick; i++) {
      const body = JSON.stringify({
        seq,
        payload: Array.from({ length: o.payloadNumbers }, (_, k) => seq + k / 2),
      });
      seq++;
      r.sent++;
      const p = post(agent, `${o.url}/jobs`, body).then(
        ({ status, retryAfter }) => {
          if (status === 202) r.accepted++;
          else if (status === 429) {
            r.shed++;
            if (retryAfter === undefined) r.shedWithoutRetryAfter++;
            else r.retryAfter.push(Number(retryAfter));
          } else r.failed++;
        },
        () => {
          r.failed++;
        },
      );
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await sleep(o.tickMs);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return r;
}

function post(agent: Agent, url: string, body: string): Promise<{ status: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json' }, timeout: 10_000 },
      (res) => {
        res.resume();
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve(
            retryAfter === undefined
              ? { status: res.statusCode ?? 0 }
              : { status: res.statusCode ?? 0, retryAfter },
          );
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
