import type { Redis } from 'ioredis';
import type pg from 'pg';
import { applyEffect, type LedgerMessage } from './effectsStore.ts';

export const STRATEGY_NAMES = ['none', 'mark-then-process', 'process-then-mark', 'transactional'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/**
 * The moments where a crash hurts: after the Redis mark but before the effect, after the effect but
 * before the mark (or the ack), and half-way through the transaction. Tests and the demo crash the
 * consumer process exactly there.
 */
export type CrashPoint = 'after-mark' | 'after-effect' | 'inside-transaction';

export interface StrategyDeps {
  pool: pg.Pool;
  redis: Redis;
  /** Prefix of the Redis dedup keys, e.g. `sdlab_74_ab12:dedup:`. */
  keyPrefix: string;
  /** How long Redis remembers a message id: longer than any redelivery or re-send can arrive. */
  ttlSeconds: number;
  /** Transactional strategy only: ask Redis first and skip known ids without touching PostgreSQL. */
  redisPreFilter: boolean;
  /** Called at each dangerous point; the crash tests kill the process here. */
  checkpoint(point: CrashPoint, messageId: string): void;
}

/** `processed`: the effect ran now. `duplicate`: the id was seen before, nothing ran. */
export type Outcome = 'processed' | 'duplicate';
export type Strategy = (message: LedgerMessage, deps: StrategyDeps) => Promise<Outcome>;

/** At-least-once with no dedup: every delivery, duplicate or redelivery, performs the effect. */
export const noDedup: Strategy = async (message, deps) => {
  await applyEffect(deps.pool, message);
  deps.checkpoint('after-effect', message.id);
  return 'processed';
};

// #region mark-then-process
/**
 * Claim the id in Redis with SET NX, then perform the effect. Exactly once while nothing crashes.
 * A crash between the two leaves the id marked and the effect undone: the redelivery is skipped
 * as a "duplicate", and the message is lost.
 */
export const markThenProcess: Strategy = async (message, deps) => {
  const key = deps.keyPrefix + message.id;
  const claimed = await deps.redis.set(key, '1', 'EX', deps.ttlSeconds, 'NX');
  if (claimed === null) return 'duplicate';
  deps.checkpoint('after-mark', message.id);
  try {
    await applyEffect(deps.pool, message);
  } catch (error) {
    // A failure we SEE can be undone; a crash cannot run this line.
    await deps.redis.del(key);
    throw error;
  }
  return 'processed';
};
// #endregion mark-then-process

// #region process-then-mark
/**
 * Check Redis, perform the effect, then mark. A crash between effect and mark leaves no mark: the
 * redelivery performs the effect again. (Two copies in flight at once can also both pass the check.)
 */
export const processThenMark: Strategy = async (message, deps) => {
  const key = deps.keyPrefix + message.id;
  if ((await deps.redis.exists(key)) === 1) return 'duplicate';
  await applyEffect(deps.pool, message);
  deps.checkpoint('after-effect', message.id);
  await deps.redis.set(key, '1', 'EX', deps.ttlSeconds);
  return 'processed';
};
// #endregion process-then-mark

// #region transactional
/**
 * The dedup record and the effect commit together or not at all: a crash before COMMIT rolls both
 * back (the redelivery does the work), a crash after COMMIT keeps both (the redelivery finds the row).
 */
export const transactional: Strategy = async (message, deps) => {
  const key = deps.keyPrefix + message.id;
  // Fast path only: the key is written after COMMIT, so "seen in Redis" always means "committed".
  if (deps.redisPreFilter && (await deps.redis.exists(key)) === 1) return 'duplicate';

  const client = await deps.pool.connect();
  try {
    await client.query('BEGIN');
    const claim = await client.query(
      'INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT DO NOTHING',
      [message.id],
    );
    if (claim.rowCount === 0) {
      // Another delivery committed this id (or is committing it: the INSERT waited for it).
      await client.query('ROLLBACK');
      return 'duplicate';
    }
    deps.checkpoint('inside-transaction', message.id);
    await applyEffect(client, message);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  deps.checkpoint('after-effect', message.id);
  if (deps.redisPreFilter) await deps.redis.set(key, '1', 'EX', deps.ttlSeconds);
  return 'processed';
};
// #endregion transactional

export const STRATEGIES: Record<StrategyName, Strategy> = {
  none: noDedup,
  'mark-then-process': markThenProcess,
  'process-then-mark': processThenMark,
  transactional,
};
