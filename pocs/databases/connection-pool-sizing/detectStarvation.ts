/** One tick of a PoolSampler: gauges at that instant, counters and percentiles for the interval since the last tick. */
export interface PoolSample {
  atMs: number;
  max: number;
  inUse: number;
  waiting: number;
  /** Age of the oldest caller still waiting at this instant. */
  oldestWaitMs: number;
  checkouts: number;
  checkoutTimeouts: number;
  /** p99 of the waits that ended (with a connection or a timeout) in this interval; 0 if none ended. */
  acquireWaitP99Ms: number;
  /** p99 of how long connections released in this interval were held; 0 if none were released. */
  holdP99Ms: number;
}

export interface StarvationThresholds {
  /** The longest a caller should wait for a connection, in ms. Default 100. */
  maxAcquireWaitMs?: number;
  /** Share of samples a condition must hold in to count as sustained (0..1). Default 0.5. */
  sustainedRatio?: number;
  /** Fewer samples than this give status 'unknown'. Default 3. */
  minSamples?: number;
}

export type StarvationStatus = 'unknown' | 'healthy' | 'saturated' | 'starving';

export interface StarvationDiagnosis {
  status: StarvationStatus;
  /** One line a human can act on. */
  summary: string;
  evidence: {
    samples: number;
    /** Share of samples with callers waiting. */
    queuedRatio: number;
    /** Share of samples with every connection in use. */
    saturatedRatio: number;
    /** Share of samples where a caller waited longer than maxAcquireWaitMs. */
    slowRatio: number;
    checkoutTimeouts: number;
    worstAcquireWaitMs: number;
    worstHoldP99Ms: number;
  };
  /** What to do about it, most likely fix first. Empty when healthy. */
  advice: string[];
}

// #region detect
/**
 * Reads a window of samples and says whether the pool is starving its callers, and why.
 * - starving: callers already time out, or they wait longer than the budget in a sustained way;
 * - saturated: every connection is busy and callers queue, but they still get one within budget
 *   (a right-sized pool under peak load looks like this; watch it, do not page);
 * - healthy: callers rarely queue.
 */
export function detectStarvation(
  samples: PoolSample[],
  thresholds: StarvationThresholds = {},
): StarvationDiagnosis {
  const { maxAcquireWaitMs = 100, sustainedRatio = 0.5, minSamples = 3 } = thresholds;
  const n = samples.length;
  const share = (test: (s: PoolSample) => boolean) => (n === 0 ? 0 : samples.filter(test).length / n);
  // A caller stuck in the queue has not finished waiting, so the oldest waiter counts as much as the p99.
  const worstWait = (s: PoolSample) => Math.max(s.acquireWaitP99Ms, s.oldestWaitMs);
  const evidence = {
    samples: n,
    queuedRatio: share((s) => s.waiting > 0),
    saturatedRatio: share((s) => s.inUse >= s.max),
    slowRatio: share((s) => worstWait(s) > maxAcquireWaitMs),
    checkoutTimeouts: samples.reduce((sum, s) => sum + s.checkoutTimeouts, 0),
    worstAcquireWaitMs: Math.max(0, ...samples.map(worstWait)),
    worstHoldP99Ms: Math.max(0, ...samples.map((s) => s.holdP99Ms)),
  };

  if (n < minSamples) {
    return { status: 'unknown', summary: `only ${n} of ${minSamples} samples needed`, evidence, advice: [] };
  }
  const sustained = (ratio: number) => ratio >= sustainedRatio;
  const starving =
    evidence.checkoutTimeouts > 0 || (sustained(evidence.queuedRatio) && sustained(evidence.slowRatio));

  if (starving) {
    // Holds longer than callers may wait mean a few holders block everyone: more connections would
    // only let more slow work in. Short holds mean demand simply exceeds capacity.
    const longHolders = evidence.worstHoldP99Ms > maxAcquireWaitMs;
    const advice = longHolders
      ? [
          `connections are held up to ${Math.round(evidence.worstHoldP99Ms)} ms (p99), longer than callers may wait ` +
            `(${maxAcquireWaitMs} ms): bound slow statements with statement_timeout`,
          'give slow queries their own small pool (bulkhead) so they cannot take every connection',
          'do not hold a connection across slow non-database work (HTTP calls, file I/O) or open transactions',
        ]
      : [
          'holds are short but demand exceeds the pool: grow it toward recommendedPoolSize() if the database has CPU to spare',
          'otherwise shed or queue load upstream (rate limit) instead of waiting for connections',
        ];
    return {
      status: 'starving',
      summary:
        `pool starving: ${evidence.checkoutTimeouts} checkout timeouts, callers waited up to ` +
        `${Math.round(evidence.worstAcquireWaitMs)} ms (budget ${maxAcquireWaitMs} ms), queue non-empty in ` +
        `${Math.round(evidence.queuedRatio * 100)}% of ${n} samples`,
      evidence,
      advice,
    };
  }
  if (sustained(evidence.queuedRatio)) {
    return {
      status: 'saturated',
      summary: `pool saturated: callers queue in ${Math.round(evidence.queuedRatio * 100)}% of samples but get a connection within ${maxAcquireWaitMs} ms`,
      evidence,
      advice: ['no action needed yet; alert if acquire wait keeps rising or timeouts appear'],
    };
  }
  return {
    status: 'healthy',
    summary: 'pool healthy: callers rarely wait for a connection',
    evidence,
    advice: [],
  };
}
// #endregion detect
