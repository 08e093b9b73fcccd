import { afterEach, describe, expect, it } from 'vitest';
import { calibratePbkdf2Iterations } from './cpuWork.ts';
import { LabServerProcess, type LabServerProcessOptions } from './LabServerProcess.ts';
import type { StatProbe } from './labServer.ts';

// Real child processes with a real node:http server; assertions are on orderings and queue positions,
// with wide margins, because two shared cores make absolute times unreliable.
const servers: LabServerProcess[] = [];
const start = async (options: LabServerProcessOptions) => {
  const server = await LabServerProcess.start(options);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('event loop: CPU work on the loop vs on worker threads', () => {
  it('blocking the loop shows up as event-loop delay of the blocking order; worker threads keep it lower', async () => {
    const BLOCK_MS = 150;
    const server = await start({ cpuWorkers: 1 });
    await server.get('/offload?ms=1'); // start the worker before measuring

    await server.stats(true);
    const [fastDuringBlock] = await Promise.all([
      new Promise((r) => setTimeout(r, 20)).then(() => server.get('/fast')),
      server.get(`/block?ms=${BLOCK_MS}`),
      server.get(`/block?ms=${BLOCK_MS}`),
    ]);
    const blocked = await server.stats(true);

    const [fastDuringOffload] = await Promise.all([
      new Promise((r) => setTimeout(r, 20)).then(() => server.get('/fast')),
      server.get(`/offload?ms=${BLOCK_MS}`),
      server.get(`/offload?ms=${BLOCK_MS}`),
    ]);
    const offloaded = await server.stats(true);

    // A timer due during a 150 ms block fires at least ~150 ms late (minus the 5 ms sampling interval).
    expect(blocked.loopDelayMaxMs).toBeGreaterThanOrEqual(BLOCK_MS * 0.8);
    // The /fast request that arrived during the blocks waited for at least one of them to end.
    expect(fastDuringBlock.ms).toBeGreaterThan(BLOCK_MS * 0.5);
    // Same CPU work on a worker thread: the loop keeps running its timers and the fast request.
    expect(offloaded.loopDelayMaxMs).toBeLessThan(blocked.loopDelayMaxMs);
    expect(fastDuringOffload.ms).toBeLessThan(fastDuringBlock.ms);
  });
});

describe('libuv thread pool: async pbkdf2 in front of fs calls', () => {
  const HASHES = 8;
  const hashIterations = calibratePbkdf2Iterations(80);

  /** Puts HASHES async pbkdf2 calls in flight, then times one fs.stat behind them. */
  async function statBehindHashes(server: LabServerProcess) {
    const hashes = Array.from({ length: HASHES }, () => server.get('/hash'));
    for (let i = 0; (await server.stats()).hashRequests < HASHES; i++) {
      if (i > 500) throw new Error('the hash requests never reached the server');
      await new Promise((r) => setTimeout(r, 2));
    }
    const probe = await server.get<StatProbe>('/fs');
    await Promise.all(hashes);
    return probe.body;
  }

  it('with 4 threads and 8 pbkdf2 calls queued, a trivial fs.stat waits until at least 4 of them finished', async () => {
    const pool4 = await start({ threadpoolSize: 4, hashIterations });
    const pool16 = await start({ threadpoolSize: 16, hashIterations });

    const behindFour = await statBehindHashes(pool4);
    const behindSixteen = await statBehindHashes(pool16);
    // Precondition: all 8 hashes were still on the pool when each stat was issued.
    expect(behindFour.hashesOnPool).toBe(HASHES);
    expect(behindSixteen.hashesOnPool).toBe(HASHES);

    // libuv's queue is FIFO: the stat is 9th in line for 4 threads, so it can only start after the
    // 5th hash has finished; the 4 and 16 thread servers do exactly the same work.
    expect(behindFour.hashesCompletedMeanwhile).toBeGreaterThanOrEqual(4);
    // With 16 threads the stat gets its own thread at once and does not wait for the hashes.
    expect(behindSixteen.hashesCompletedMeanwhile).toBeLessThan(behindFour.hashesCompletedMeanwhile);
    expect(behindSixteen.hashesCompletedMeanwhile).toBeLessThanOrEqual(1);
  });

  it('bounding pbkdf2 to 2 concurrent calls leaves threads free: the fs.stat overtakes the queued hashes', async () => {
    const bounded = await start({ threadpoolSize: 4, hashConcurrency: 2, hashIterations });
    const probe = await statBehindHashes(bounded);
    expect(probe.hashesOnPool).toBe(2); // the other 6 wait in the limiter, not in libuv's queue
    expect(probe.hashesCompletedMeanwhile).toBeLessThanOrEqual(1);
    const stats = await bounded.stats();
    expect(stats.hashesCompleted).toBe(HASHES); // the bounded hashes still all ran
  });
});
