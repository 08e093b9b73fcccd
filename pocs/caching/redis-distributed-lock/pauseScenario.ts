import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { FencedResource, type WriteOutcome } from './FencedResource.ts';
import type { HolderConfig } from './holderProcess.ts';
import { RedisLock } from './RedisLock.ts';
import { Redlock } from './redlock.ts';

const HOLDER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'holderProcess.ts');

export type PauseVariant = 'unfenced' | 'fenced' | 'redlock';

export interface PauseScenarioOptions {
  url: string;
  /** Key prefix for the lock, its fencing counter and the resource. */
  namespace: string;
  variant: PauseVariant;
  /** Lease length. The holder is frozen for `ttlMs + pauseMarginMs`. */
  ttlMs?: number;
  pauseMarginMs?: number;
  signal?: AbortSignal;
}

export interface PauseScenarioResult {
  variant: PauseVariant;
  /** Fencing tokens of A (the frozen holder) and B (who took the expired lock); null for redlock. */
  tokenA: number | null;
  tokenB: number | null;
  /** How long A was frozen, measured by the parent. */
  pausedMs: number;
  /**
   * A wrote past the end of its lease while B held the lock: two clients acted as the lock holder
   * at once, and A never learned its lease had ended.
   */
  twoHolders: boolean;
  writeB: WriteOutcome;
  /** A's write after waking up. */
  writeA: WriteOutcome;
  /** How far past its lease A's write came (ms, A's own clock). */
  aLateByMs: number;
  /** Whether A's release found its own lock (it cannot: B holds it; the token check protects B). */
  aReleased: boolean;
  /** The resource at the end: whose write survived. */
  finalWriter: string | null;
  /** B's write was overwritten by A's stale one. */
  lostWrite: boolean;
}

type HolderEvent = { event: string; [field: string]: unknown };

// #region pause-scenario
/**
 * A acquires the lock in a child process and checks its lease; we freeze A with SIGSTOP for longer
 * than the TTL; B takes the now-expired lock and writes; we thaw A with SIGCONT and it writes too.
 */
export async function runPauseScenario(options: PauseScenarioOptions): Promise<PauseScenarioResult> {
  const ttlMs = options.ttlMs ?? 300;
  const pauseMs = ttlMs + (options.pauseMarginMs ?? 200);
  const keyPrefix = `${options.namespace}:lock:`;
  const resourceKey = `${options.namespace}:document`;
  const redis = new Redis(options.url);
  const resource = new FencedResource(redis, resourceKey);
  const config: HolderConfig = {
    url: options.url,
    lockKind: options.variant === 'redlock' ? 'redlock' : 'redis-lock',
    fenced: options.variant === 'fenced',
    keyPrefix,
    resource: 'document',
    resourceKey,
    ttlMs,
    workMs: 100,
  };
  const child = spawn(process.execPath, [HOLDER, JSON.stringify(config)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events = holderEvents(child);
  let redlock: Redlock | undefined;
  try {
    await redis.del(resourceKey);
    const checked = await events.next('checked', 10_000);

    // A holds the lock and has checked its lease. Freeze it, past the end of the lease.
    child.kill('SIGSTOP');
    const frozenAt = performance.now();
    await sleep(pauseMs, undefined, { signal: options.signal });

    // B: the lock has expired in Redis, so B gets it, legitimately.
    let tokenB: number | null = null;
    let writeB: WriteOutcome;
    let releaseB: () => Promise<unknown>;
    if (options.variant === 'redlock') {
      redlock = new Redlock([redis], { retryCount: 0 });
      const lockB = await redlock.acquire([`${keyPrefix}document`], 10_000);
      writeB = await resource.writeUnfenced('written by B', 'B');
      releaseB = () => redlock!.release(lockB, { retryCount: 0 });
    } else {
      const lock = new RedisLock({ redis, keyPrefix, ttlMs: 10_000 });
      const leaseB = await lock.acquire('document', { timeoutMs: 1_000 });
      tokenB = leaseB.fencingToken;
      writeB =
        options.variant === 'fenced'
          ? await resource.writeFenced('written by B', 'B', leaseB.fencingToken)
          : await resource.writeUnfenced('written by B', 'B');
      releaseB = () => lock.release(leaseB);
    }

    // Thaw A while B still holds the lock. A carries on from where it was: it writes.
    child.kill('SIGCONT');
    const pausedMs = performance.now() - frozenAt;
    const wrote = await events.next('wrote', 10_000);
    const released = await events.next('released', 10_000);
    await releaseB();
    const final = await resource.read();
    const writeA: WriteOutcome = {
      accepted: wrote.accepted === true,
      ...(typeof wrote.highestSeen === 'number' ? { highestSeen: wrote.highestSeen } : {}),
    };
    return {
      variant: options.variant,
      tokenA: typeof checked.fencingToken === 'number' ? checked.fencingToken : null,
      tokenB,
      pausedMs,
      twoHolders: Number(wrote.lateByMs) > 0,
      writeB,
      writeA,
      aLateByMs: Number(wrote.lateByMs),
      aReleased: released.released === true,
      finalWriter: final.writer,
      lostWrite: final.writer !== 'B',
    };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    await redis.del(resourceKey, `${keyPrefix}document`, `${keyPrefix}document:fence`).catch(() => {});
    await redis.quit().catch(() => redis.disconnect());
  }
}
// #endregion pause-scenario

/** Reads the holder's JSON lines; `next(event)` waits for that event (or fails on error/exit/timeout). */
function holderEvents(child: ChildProcess) {
  const seen: HolderEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const lines = createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    try {
      seen.push(JSON.parse(line) as HolderEvent);
    } catch {
      seen.push({ event: 'error', message: `unreadable line from holder: ${line}` });
    }
    for (const wake of waiters.splice(0)) wake();
  });
  child.on('exit', () => {
    ended = true;
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    async next(event: string, timeoutMs: number): Promise<HolderEvent> {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const found = seen.find((e) => e.event === event);
        if (found) return found;
        const error = seen.find((e) => e.event === 'error');
        if (error) throw new Error(`holder process failed: ${String(error.message)}`);
        if (ended) throw new Error(`holder process exited before "${event}"`);
        const left = deadline - performance.now();
        if (left <= 0) throw new Error(`holder process sent no "${event}" within ${timeoutMs} ms`);
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), sleep(left)]);
      }
    },
  };
}
