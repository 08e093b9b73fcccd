import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';
import { HoldNotConfirmedError, type HoldRefusal } from './HoldNotConfirmedError.ts';

export interface InventoryOptions {
  /** An ioredis client you own; the scripts are added to it as commands. */
  redis: Redis;
  /** Prepended to every key. Default `inv:`. */
  keyPrefix?: string;
  /** How long a hold lasts unless `reserve` says otherwise, ms. Default 10 minutes. */
  holdTtlMs?: number;
  /** Expired holds reclaimed per script call at most, so one call never runs long. Default 100. */
  maxReclaimPerCall?: number;
  /** How long "this hold expired / was confirmed" is remembered, for clear errors. Default 24 h. */
  outcomeRetentionMs?: number;
}

export type ReserveResult =
  | { ok: true; holdId: string; expiresAtMs: number; stockLeft: number; reclaimed: number }
  | {
      ok: false;
      reason: 'OUT_OF_STOCK' | 'UNKNOWN_SKU' | 'HOLD_EXISTS';
      stockLeft: number;
      reclaimed: number;
    };

export interface StockSnapshot {
  available: number;
  held: number;
  sold: number;
  activeHolds: number;
}

type ReserveReply = [number, string, number, number, number?];
type ConfirmReply = [number, string, number];

interface InventoryCommands {
  reserve(
    ...args: [string, string, string, string, string, number, number, number, number]
  ): Promise<ReserveReply>;
  confirm(...args: [string, string, string, string, string, string, number, number]): Promise<ConfirmReply>;
  sweep(...args: [string, string, string, string, number, number]): Promise<[number, number]>;
}

const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/**
 * Stock per SKU with expiring holds, all state in Redis and every transition in one Lua script:
 * reserve (stock → hold with a deadline), confirm (hold → sold), and reclaim (expired hold → stock)
 * inside reserve/confirm and in `sweep`. No interleaving can oversell or lose a unit.
 */
export class InventoryReservations {
  private readonly redis: Redis & InventoryCommands;
  private readonly keyPrefix: string;
  private readonly holdTtlMs: number;
  private readonly maxReclaim: number;
  private readonly retentionMs: number;

  constructor(options: InventoryOptions) {
    this.keyPrefix = options.keyPrefix ?? 'inv:';
    this.holdTtlMs = positiveInteger('holdTtlMs', options.holdTtlMs ?? 600_000);
    this.maxReclaim = positiveInteger('maxReclaimPerCall', options.maxReclaimPerCall ?? 100);
    this.retentionMs = positiveInteger('outcomeRetentionMs', options.outcomeRetentionMs ?? 86_400_000);
    defineCommands(options.redis, readCommands(COMMANDS_DIR));
    this.redis = options.redis as Redis & InventoryCommands;
  }

  // #region keys
  /**
   * Every key of one SKU carries the SKU in {braces}: Redis Cluster hashes only that part, so all
   * five land in one slot and a script may touch them together.
   */
  keys(sku: string) {
    const base = `${this.keyPrefix}{${sku}}`;
    return {
      stock: `${base}:stock`,
      holds: `${base}:holds`,
      holdQty: `${base}:hold-qty`,
      outcomes: `${base}:outcomes`,
      sold: `${base}:sold`,
    };
  }
  // #endregion keys

  /** Sets the available stock of a SKU (a restock or the initial load). */
  async setStock(sku: string, units: number): Promise<void> {
    await this.redis.set(this.keys(sku).stock, nonNegativeInteger('units', units));
  }

  // #region reserve
  /** Holds `qty` units for `ttlMs` if they are available. Running out is an answer, not an error. */
  async reserve(
    sku: string,
    qty: number,
    options: { holdId?: string; ttlMs?: number } = {},
  ): Promise<ReserveResult> {
    const k = this.keys(sku);
    const holdId = options.holdId ?? randomUUID();
    const ttlMs = positiveInteger('ttlMs', options.ttlMs ?? this.holdTtlMs);
    const [ok, reason, a, b, c] = await this.redis.reserve(
      k.stock,
      k.holds,
      k.holdQty,
      k.outcomes,
      holdId,
      positiveInteger('qty', qty),
      ttlMs,
      this.maxReclaim,
      this.retentionMs,
    );
    if (ok === 1) return { ok: true, holdId, expiresAtMs: a, stockLeft: b, reclaimed: c ?? 0 };
    return { ok: false, reason: reason as 'OUT_OF_STOCK', stockLeft: a, reclaimed: b };
  }
  // #endregion reserve

  // #region confirm
  /** Turns a live hold into a sale and returns its units; throws HoldNotConfirmedError otherwise. */
  async confirm(sku: string, holdId: string): Promise<number> {
    const k = this.keys(sku);
    const [ok, reason, value] = await this.redis.confirm(
      k.stock,
      k.holds,
      k.holdQty,
      k.outcomes,
      k.sold,
      holdId,
      this.maxReclaim,
      this.retentionMs,
    );
    if (ok === 1) return value;
    throw new HoldNotConfirmedError(sku, holdId, reason as HoldRefusal, value || undefined);
  }
  // #endregion confirm

  /** Reclaims expired holds of `sku` now (what the sweeper calls). */
  async sweep(sku: string): Promise<{ holds: number; units: number }> {
    const k = this.keys(sku);
    const [holds, units] = await this.redis.sweep(
      k.stock,
      k.holds,
      k.holdQty,
      k.outcomes,
      this.maxReclaim,
      this.retentionMs,
    );
    return { holds, units };
  }

  /**
   * Sweeps `skus` every `intervalMs` until `signal` aborts. Reserve and confirm reclaim on their
   * own; the sweeper only makes returned stock visible to readers when nobody is buying.
   */
  startSweeper(
    skus: string[],
    options: { intervalMs: number; signal: AbortSignal; onError?: (e: unknown) => void },
  ) {
    const timer = setInterval(
      () => {
        for (const sku of skus) this.sweep(sku).catch(options.onError ?? (() => {}));
      },
      positiveInteger('intervalMs', options.intervalMs),
    );
    options.signal.addEventListener('abort', () => clearInterval(timer), { once: true });
  }

  /** Available, held and sold units. A MULTI so the three reads see one moment. */
  async snapshot(sku: string): Promise<StockSnapshot> {
    const k = this.keys(sku);
    const replies = await this.redis.multi().get(k.stock).hvals(k.holdQty).get(k.sold).exec();
    if (!replies) throw new Error('snapshot transaction was aborted');
    const [stock, holds, sold] = replies.map(([error, value]) => {
      if (error) throw error;
      return value;
    }) as [string | null, string[], string | null];
    return {
      available: Number(stock ?? 0),
      held: holds.reduce((sum, q) => sum + Number(q), 0),
      sold: Number(sold ?? 0),
      activeHolds: holds.length,
    };
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be an integer >= 0, got ${value}`);
  return value;
}
