/**
 * Lock holder A of the pause scenario, run as a REAL child process so that the parent can freeze it
 * with SIGSTOP (what a long GC pause, a VM migration or a swapped-out page does to a process) and
 * thaw it with SIGCONT.
 *
 * argv[2] is a JSON HolderConfig. It reports each step as one JSON line on stdout:
 *   {"event":"checked", ...}  lock acquired and lease checked valid: the moment to freeze it
 *   {"event":"wrote", ...}    it wrote to the resource after waking up, without re-checking
 *   {"event":"released", ...} whether its release found its own lock
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { FencedResource } from './FencedResource.ts';
import { RedisLock } from './RedisLock.ts';
import { Redlock } from './redlock.ts';

export interface HolderConfig {
  url: string;
  /** `redis-lock`: this POC's lock; `redlock`: the redlock library on the same single Redis. */
  lockKind: 'redis-lock' | 'redlock';
  /** Send the fencing token with the write (redis-lock only: redlock has none). */
  fenced: boolean;
  keyPrefix: string;
  resource: string;
  resourceKey: string;
  ttlMs: number;
  /** Work between the validity check and the write; the parent freezes the process during it. */
  workMs: number;
}

const emit = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

async function main(config: HolderConfig): Promise<void> {
  const redis = new Redis(config.url);
  const resource = new FencedResource(redis, config.resourceKey);
  try {
    if (config.lockKind === 'redis-lock') {
      const lock = new RedisLock({ redis, keyPrefix: config.keyPrefix, ttlMs: config.ttlMs });
      const lease = await lock.acquire(config.resource, { timeoutMs: 2_000 });
      // #region holder-check-then-write
      // A careful holder checks its lease before writing...
      const remaining = lock.remainingMs(lease);
      if (remaining <= 0) throw new Error('lease expired before the write');
      emit({ event: 'checked', fencingToken: lease.fencingToken, remainingMs: Math.round(remaining) });
      await sleep(config.workMs); // ...and is frozen here, after the check, before the write.
      const outcome = config.fenced
        ? await resource.writeFenced('written by A', 'A', lease.fencingToken)
        : await resource.writeUnfenced('written by A', 'A');
      // #endregion holder-check-then-write
      emit({ event: 'wrote', ...outcome, lateByMs: Math.round(-lock.remainingMs(lease)) });
      emit({ event: 'released', released: await lock.release(lease) });
    } else {
      const redlock = new Redlock([redis], { retryCount: 10, retryDelay: 100 });
      const lock = await redlock.acquire([`${config.keyPrefix}${config.resource}`], config.ttlMs);
      emit({ event: 'checked', fencingToken: null, remainingMs: Math.round(lock.expiration - Date.now()) });
      await sleep(config.workMs);
      const outcome = await resource.writeUnfenced('written by A', 'A');
      emit({ event: 'wrote', ...outcome, lateByMs: Math.round(Date.now() - lock.expiration) });
      // redlock's release rejects when the lock is no longer this client's.
      const released = await redlock.release(lock, { retryCount: 0 }).then(
        () => true,
        () => false,
      );
      emit({ event: 'released', released });
    }
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

main(JSON.parse(process.argv[2] ?? '{}') as HolderConfig).catch((error: unknown) => {
  emit({ event: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
});
