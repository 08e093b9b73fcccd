import { FaultProxy } from '../../../src/faults/FaultProxy.ts';
import { abortableSleep as sleep } from '../exponential-backoff-jitter/retry.ts';
import {
  BudgetSpentError,
  DEADLINE_HEADER,
  Deadline,
  MIN_USEFUL_BUDGET_MS,
  REQUEST_ID_HEADER,
  readBudgetMs,
} from './deadline.ts';
import { callerGone, listen, sendJson } from './http.ts';

/** How a chain A -> B -> (fault proxy) -> C treats time. */
export interface ChainPolicy {
  /** A's own deadline for the whole request; undefined = A waits as long as B takes. */
  deadlineMs?: number;
  /** Pass the remaining budget downstream, cancel downstream calls when it runs out or the caller leaves, and make C stop. */
  propagate: boolean;
}

export interface ChainOptions {
  policy: ChainPolicy;
  /** C's work per request, done in `stepMs` slices so it can notice a cancellation between them. */
  cWorkMs: number;
  stepMs?: number;
  /** Each middle hop's own work before it calls the next one (so the budget visibly shrinks per hop). */
  hopWorkMs?: number;
  /** Injected by the FaultProxy in front of C, each direction. */
  proxyLatencyMs: number;
}

export interface CStats {
  started: number;
  completed: number;
  /** Stopped part-way because the budget ran out or the caller went away. */
  cancelled: number;
  /** Arrived with a spent budget: never started. */
  refused: number;
  inFlight: number;
  maxInFlight: number;
  completedIds: Set<string>;
  /** The `x-deadline-ms` each request arrived with, by request id. */
  receivedBudget: Map<string, number>;
}

export interface HopStats {
  /** The `x-deadline-ms` each request arrived with, by request id. */
  receivedBudget: Map<string, number>;
  refused: number;
}

export interface Chain {
  url: string;
  c: CStats;
  a: HopStats & { abandonedIds: Set<string>; fallbacks: number };
  b: HopStats;
  proxy: FaultProxy;
  close(): Promise<void>;
}

// #region leaf
/** C: does `workMs` of work in slices; with `propagate` it checks its signal between slices and stops. */
async function startC(options: ChainOptions, stats: CStats) {
  const step = options.stepMs ?? 10;
  return listen(async (req, res) => {
    const id = String(req.headers[REQUEST_ID_HEADER] ?? '');
    const budget = readBudgetMs(req.headers);
    if (budget !== undefined) stats.receivedBudget.set(id, budget);
    let signal: AbortSignal | undefined;
    if (options.policy.propagate) {
      if (budget !== undefined && budget < MIN_USEFUL_BUDGET_MS) {
        stats.refused++;
        return sendJson(res, 504, { error: new BudgetSpentError('C', budget).message });
      }
      const deadline = budget === undefined ? [] : [Deadline.after(budget).signal()];
      signal = AbortSignal.any([callerGone(res), ...deadline]);
    }
    stats.started++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    try {
      for (let done = 0; done < options.cWorkMs; done += step) await sleep(step, signal);
      stats.completed++;
      stats.completedIds.add(id);
      sendJson(res, 200, { id, answer: 42 });
    } catch {
      stats.cancelled++; // nobody is waiting: stop here, no more work, no answer
      sendJson(res, 504, { error: 'cancelled: budget spent or caller gone' });
    } finally {
      stats.inFlight--;
    }
  });
}
// #endregion leaf

// #region hop
/** A or B: its own bit of work, then one call downstream, with or without a propagated budget. */
async function startHop(
  name: 'A' | 'B',
  downstream: string,
  options: ChainOptions,
  stats: HopStats & { abandonedIds?: Set<string>; fallbacks?: number },
) {
  const { policy } = options;
  return listen(async (req, res) => {
    const id = String(req.headers[REQUEST_ID_HEADER] ?? '');
    const received = readBudgetMs(req.headers);
    if (received !== undefined) stats.receivedBudget.set(id, received);
    // A starts the clock from its own deadline; B from the budget A sent (only when propagating).
    const budget = name === 'A' ? policy.deadlineMs : policy.propagate ? received : undefined;
    const deadline = budget === undefined ? undefined : Deadline.after(budget);
    if (deadline && deadline.remainingMs() < MIN_USEFUL_BUDGET_MS) {
      stats.refused++;
      return sendJson(res, 504, { error: new BudgetSpentError(name, deadline.remainingMs()).message });
    }
    const signals: AbortSignal[] = [];
    if (deadline) signals.push(deadline.signal());
    if (policy.propagate) signals.push(callerGone(res)); // our caller gave up: so do we, downstream too
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    try {
      await sleep(options.hopWorkMs ?? 0, signal);
      const headers: Record<string, string> = { [REQUEST_ID_HEADER]: id };
      if (policy.propagate && deadline) headers[DEADLINE_HEADER] = deadline.headerValue(); // decremented here
      const response = await fetch(`${downstream}/work`, signal ? { headers, signal } : { headers });
      const body = await response.text();
      // B's budget is A's minus the time already spent, so B's deadline fires a moment before A's and
      // its 504 can reach A first: at the edge that is the same "out of time" and gets the same fallback.
      if (name === 'A' && !response.ok) throw new Error(`B answered ${response.status}: ${body}`);
      res.writeHead(response.status, { 'content-type': 'application/json' }).end(body);
    } catch (error) {
      if (name === 'A') {
        // A is the edge: answer by the deadline with a degraded result instead of an error page.
        stats.fallbacks = (stats.fallbacks ?? 0) + 1;
        stats.abandonedIds?.add(id);
        return sendJson(res, 200, {
          id,
          answer: null,
          fallback: true,
          reason: String((error as Error).message),
        });
      }
      sendJson(res, 504, { error: `${name}: downstream call failed: ${(error as Error).message}` });
    }
  });
}
// #endregion hop

/** Starts C, a FaultProxy in front of it, B and A, on free ports. */
export async function startChain(options: ChainOptions): Promise<Chain> {
  const c: CStats = {
    started: 0,
    completed: 0,
    cancelled: 0,
    refused: 0,
    inFlight: 0,
    maxInFlight: 0,
    completedIds: new Set(),
    receivedBudget: new Map(),
  };
  const b: HopStats = { receivedBudget: new Map(), refused: 0 };
  const a = {
    receivedBudget: new Map<string, number>(),
    refused: 0,
    abandonedIds: new Set<string>(),
    fallbacks: 0,
  };
  const serverC = await startC(options, c);
  const proxy = await FaultProxy.start({
    target: { host: '127.0.0.1', port: serverC.port },
    faults: { latencyMs: options.proxyLatencyMs },
  });
  const serverB = await startHop('B', `http://127.0.0.1:${proxy.port}`, options, b);
  const serverA = await startHop('A', serverB.url, options, a);
  return {
    url: serverA.url,
    c,
    a,
    b,
    proxy,
    async close() {
      await serverA.close();
      await serverB.close();
      await proxy.close();
      await serverC.close();
    },
  };
}
