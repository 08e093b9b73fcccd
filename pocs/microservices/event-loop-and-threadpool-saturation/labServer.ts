import { pbkdf2 } from 'node:crypto';
import { stat } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ConcurrencyLimiter } from './ConcurrencyLimiter.ts';
import { CpuWorkerPool } from './CpuWorkerPool.ts';
import { burnCpu } from './cpuWork.ts';

export interface LabServerOptions {
  /** Worker threads for `/offload` (0: the endpoint is not available). */
  cpuWorkers: number;
  /** Limit on concurrent async pbkdf2 calls (`/hash`); 0 means unbounded, the default in most code. */
  hashConcurrency: number;
  /** pbkdf2 iterations of one `/hash` call (see `calibratePbkdf2Iterations`): the same in every server compared. */
  hashIterations: number;
}

/** What `/stats` returns: the two signals this POC is about, read from inside the process. */
export interface LabServerStats {
  threadpoolSize: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  /** `/hash` requests received (some may still wait in the limiter). */
  hashRequests: number;
  /** pbkdf2 calls handed to libuv. */
  hashesSubmitted: number;
  hashesCompleted: number;
}

/** What `/fs` returns: one fs.stat, timed, and its place in the libuv queue. */
export interface StatProbe {
  ms: number;
  /** pbkdf2 calls handed to libuv and not finished when the stat was issued. */
  hashesOnPool: number;
  /** pbkdf2 calls that finished while the stat was in flight. */
  hashesCompletedMeanwhile: number;
}

const SELF = fileURLToPath(import.meta.url);
const RESOLUTION_MS = 5;
// The histogram holds the whole interval between samples (nanoseconds); minus the sampling interval,
// what is left is how late the loop was, which is what callers of every endpoint wait on top.
const lateMs = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100);

/**
 * A small node:http service with one fast endpoint and the usual ways of hurting it: synchronous CPU
 * work on the event loop, CPU work moved to worker threads, async hashing on the libuv thread pool
 * (bounded or not), and an `fs.stat` that needs one of the same pool threads.
 */
export function createLabServer(options: LabServerOptions): { server: Server; close(): Promise<void> } {
  // #region detect-loop
  // Samples how late a timer fires: when the loop is blocked for 40 ms, the next sample is ~40 ms late.
  const loopDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loopDelay.enable();
  // #endregion detect-loop
  const workers = options.cpuWorkers > 0 ? new CpuWorkerPool({ size: options.cpuWorkers }) : null;
  const limiter = options.hashConcurrency > 0 ? new ConcurrencyLimiter(options.hashConcurrency) : null;
  const iterations = options.hashIterations;
  let hashRequests = 0;
  let hashesSubmitted = 0;
  let hashesCompleted = 0;

  const hashOnPool = () =>
    new Promise<void>((resolve, reject) => {
      hashesSubmitted++;
      pbkdf2('password', 'salt', iterations, 32, 'sha256', (error) => {
        hashesCompleted++;
        if (error) reject(error);
        else resolve();
      });
    });

  // #region detect-pool
  // A trivial fs call needs a libuv thread like pbkdf2 does: its duration is (almost all) queue time.
  const timedStat = () =>
    new Promise<StatProbe>((resolve, reject) => {
      const start = performance.now();
      const completedBefore = hashesCompleted;
      const hashesOnPool = hashesSubmitted - hashesCompleted;
      stat(SELF, (error) => {
        if (error) reject(error);
        else
          resolve({
            ms: performance.now() - start,
            hashesOnPool,
            hashesCompletedMeanwhile: hashesCompleted - completedBefore,
          });
      });
    });
  // #endregion detect-pool

  const stats = (): LabServerStats => ({
    threadpoolSize: Number(process.env.UV_THREADPOOL_SIZE ?? 4),
    loopDelayP50Ms: lateMs(loopDelay.percentile(50)),
    loopDelayP99Ms: lateMs(loopDelay.percentile(99)),
    loopDelayMaxMs: lateMs(loopDelay.max),
    hashRequests,
    hashesSubmitted,
    hashesCompleted,
  });

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://lab');
    const ms = Number(url.searchParams.get('ms') ?? 10);
    const reply = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      switch (url.pathname) {
        case '/fast':
          return reply({ ok: true });
        // #region block
        case '/block': // the bug: synchronous CPU work on the event loop
          return reply({ chunks: burnCpu(ms) });
        case '/offload': // the fix: the same work on a worker thread
          if (!workers) return reply({ error: 'start the server with cpuWorkers > 0' }, 400);
          return reply({ chunks: await workers.run(ms) });
        // #endregion block
        case '/hash':
          hashRequests++;
          await (limiter ? limiter.run(hashOnPool) : hashOnPool());
          return reply({ ok: true });
        case '/fs':
          return reply(await timedStat());
        case '/stats': {
          const body = stats();
          if (url.searchParams.has('reset')) loopDelay.reset();
          return reply(body);
        }
        default:
          return reply({ error: `no route ${url.pathname}` }, 404);
      }
    } catch (error) {
      return reply({ error: error instanceof Error ? error.message : String(error) }, 500);
    }
  });
  server.keepAliveTimeout = 30_000;

  return {
    server,
    async close() {
      loopDelay.disable();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await workers?.close();
    },
  };
}
