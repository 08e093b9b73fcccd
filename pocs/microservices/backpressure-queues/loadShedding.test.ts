import { describe, expect, it } from 'vitest';
import { sendJobs, startJobServerInWorker } from './loadShedding.ts';

describe('load shedding over HTTP (real server in a worker thread)', () => {
  // #region shed-test
  it('a full queue answers 429 with Retry-After, and the backlog never passes the bound', async () => {
    const server = await startJobServerInWorker({ capacity: 20, serviceMs: 10 }, 20);
    // 10 requests every 10 ms against a server that finishes one every 10 ms: 10x overload.
    const load = await sendJobs({
      url: server.url,
      perTick: 10,
      tickMs: 10,
      durationMs: 1_000,
      payloadNumbers: 64,
    });
    const { samples, stats } = await server.stop();

    expect(load.failed).toBe(0);
    expect(load.shed).toBeGreaterThan(0);
    expect(load.shedWithoutRetryAfter).toBe(0);
    expect(load.retryAfter.every((s) => Number.isInteger(s) && s >= 1)).toBe(true);
    expect(load.accepted + load.shed).toBe(load.sent); // every request got an answer: accepted or shed
    expect(stats.shed).toBe(load.shed);
    expect(Math.max(...samples.map((s) => s.queued))).toBeLessThanOrEqual(20);
  });
  // #endregion shed-test

  it('without a bound nothing is shed and the backlog keeps what the server cannot process', async () => {
    const server = await startJobServerInWorker({ capacity: null, serviceMs: 10 }, 20);
    const load = await sendJobs({
      url: server.url,
      perTick: 10,
      tickMs: 10,
      durationMs: 1_000,
      payloadNumbers: 64,
    });
    const { stats } = await server.stop();
    expect(load.shed).toBe(0);
    expect(stats.queued).toBeGreaterThan(20);
  });
});
