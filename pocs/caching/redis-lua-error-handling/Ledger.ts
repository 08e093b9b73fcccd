import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';
import { TransferRefusedError } from './scriptErrors.ts';

interface LedgerCommands {
  transferUnsafe(from: string, to: string, amount: number | string): Promise<'OK'>;
  transferSafe(from: string, to: string, amount: number | string): Promise<[number, number]>;
  callVsPcall(target: string, log: string, mode: 'call' | 'pcall'): Promise<[string, string]>;
  raise(mode: 'error_reply' | 'error' | 'runtime'): Promise<never>;
}

export type LedgerRedis = Redis & LedgerCommands;

const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

/** Adds this POC's scripts (commands/*.lua) to an ioredis client you own. */
export function withLedgerScripts(redis: Redis): LedgerRedis {
  defineCommands(redis, readCommands(COMMANDS_DIR));
  return redis as LedgerRedis;
}

/** Balances in Redis strings, moved by a script that validates everything before its first write. */
export class Ledger {
  private readonly redis: LedgerRedis;
  private readonly keyPrefix: string;

  constructor(options: { redis: Redis; keyPrefix?: string }) {
    this.redis = withLedgerScripts(options.redis);
    this.keyPrefix = options.keyPrefix ?? 'ledger:';
  }

  /** Both accounts in one hash tag, so Redis Cluster keeps them in one slot for the script. */
  key(account: string): string {
    return `${this.keyPrefix}{balances}:${account}`;
  }

  // #region transfer
  /** Moves `amount`, or throws TransferRefusedError (nothing written) / the Redis error as is. */
  async transfer(from: string, to: string, amount: number): Promise<{ from: number; to: number }> {
    try {
      const [newFrom, newTo] = await this.redis.transferSafe(this.key(from), this.key(to), amount);
      return { from: newFrom, to: newTo };
    } catch (error) {
      throw TransferRefusedError.from(error) ?? error;
    }
  }
  // #endregion transfer

  /** The write-write version, kept to show what a failure half-way leaves behind. */
  transferUnsafe(from: string, to: string, amount: number): Promise<'OK'> {
    return this.redis.transferUnsafe(this.key(from), this.key(to), amount);
  }
}
