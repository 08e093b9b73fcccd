import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Chain, type ChainOptions, startChain } from './chain.ts';
import { sendTraffic } from './traffic.ts';

/**
 * C is made far slower than A's deadline (100 ms proxy latency each way + 1200 ms of work, about 1.4 s),
 * while a request still reaches C well inside the budget (~110 ms of 300), so the assertions hold on a
 * loaded machine: they compare counts and "before deadline + 700 ms".
 */
const SLOW: Omit<ChainOptions, 'policy'> = { cWorkMs: 1_200, stepMs: 20, hopWorkMs: 5, proxyLatencyMs: 100 };
const DEADLINE_MS = 300;
const TOLERANCE_MS = 700;
let chain: Chain | undefined;

afterEach(async () => {
  await chain?.close();
  chain = undefined;
});

/**
 * Waits until requests still inside the proxy have landed and C has nothing left in flight, so
 * "completed" is final.
 */
async function settled(c: Chain, reachedC?: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 3 * SLOW.proxyLatencyMs));
  await vi.waitFor(
    () => {
      if (reachedC !== undefined) expect(c.c.started + c.c.refused).toBe(reachedC);
      expect(c.c.inFlight).toBe(0);
    },
    { timeout: 8_000, interval: 50 },
  );
}

describe('deadline budgets across A -> B -> C', () => {
  it('with a propagated budget, A answers by its deadline and C stops the work nobody waits for', async () => {
    chain = await startChain({ ...SLOW, policy: { deadlineMs: DEADLINE_MS, propagate: true } });
    const traffic = await sendTraffic(chain.url, { requests: 20, ratePerSec: 50 });
    await settled(chain);

    expect(traffic.fallbacks).toBe(20); // every caller got an answer (a fallback) ...
    expect(Math.max(...traffic.latenciesMs)).toBeLessThan(DEADLINE_MS + TOLERANCE_MS); // ... on time
    expect(chain.c.cancelled).toBeGreaterThan(0); // C noticed and stopped
    expect(chain.c.completed).toBe(0);
    const wasted = [...chain.a.abandonedIds].filter((id) => chain!.c.completedIds.has(id));
    expect(wasted).toEqual([]);
    // Every request C started ended as cancelled: none left running.
    expect(chain.c.started).toBe(chain.c.cancelled);
  });

  it('with a timeout at A only, callers are answered but C still finishes every abandoned request', async () => {
    chain = await startChain({ ...SLOW, policy: { deadlineMs: DEADLINE_MS, propagate: false } });
    const traffic = await sendTraffic(chain.url, { requests: 10, ratePerSec: 50 });
    await settled(chain, 10); // without cancellation every request reaches C

    expect(traffic.fallbacks).toBe(10);
    expect(chain.c.cancelled).toBe(0);
    const wasted = [...chain.a.abandonedIds].filter((id) => chain!.c.completedIds.has(id));
    expect(wasted.length).toBe(10); // all of C's work went to callers who had already left
  });

  it('without any deadline the caller waits for the whole chain', async () => {
    chain = await startChain({ ...SLOW, policy: { propagate: false } });
    const traffic = await sendTraffic(chain.url, { requests: 3, ratePerSec: 50 });
    expect(traffic.ok).toBe(3);
    // At least C's work plus the proxy's two delays: far beyond the 300 ms the budgeted chain needed.
    expect(Math.min(...traffic.latenciesMs)).toBeGreaterThan(SLOW.cWorkMs + 2 * SLOW.proxyLatencyMs);
  });

  it('the budget header shrinks hop by hop by at least each hop’s own work', async () => {
    chain = await startChain({
      cWorkMs: 10,
      hopWorkMs: 25,
      proxyLatencyMs: 0,
      policy: { deadlineMs: 2_000, propagate: true },
    });
    const traffic = await sendTraffic(chain.url, { requests: 3, ratePerSec: 20 });
    expect(traffic.ok).toBe(3);
    for (const id of ['r0', 'r1', 'r2']) {
      const atB = chain.b.receivedBudget.get(id)!;
      const atC = chain.c.receivedBudget.get(id)!;
      expect(atB).toBeLessThanOrEqual(2_000 - 25); // A spent its 25 ms before calling B
      expect(atC).toBeLessThanOrEqual(atB - 25); // and B spent its own 25 ms
      expect(atC).toBeGreaterThan(0);
    }
  });
});
