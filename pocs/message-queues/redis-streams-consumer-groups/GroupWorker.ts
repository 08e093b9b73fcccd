import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { defineCommands, readCommands } from '../../../src/lab/redisCommands.ts';

export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
  /** How many times Redis has delivered this entry to a consumer of the group (1 = first time). */
  deliveries: number;
}

export interface GroupWorkerOptions {
  stream: string;
  group: string;
  /** This consumer's name in the group; pending entries are tracked per name. */
  consumer: string;
  /** Hash of entry id -> times acknowledged: the record of processed work (see ackAndRecord-2.lua). */
  ledgerKey: string;
  deadLetterKey: string;
  /** Claim another consumer's entry once it has been pending (unacknowledged) this long. */
  minIdleMs: number;
  /** After this many deliveries an entry goes to the dead-letter stream instead of the handler. */
  maxDeliveries: number;
  count?: number;
  blockMs?: number;
  handler: (entry: StreamEntry) => Promise<void>;
  /** Told about a failed attempt; the entry stays pending and is retried after `minIdleMs`. */
  onError?: (entry: StreamEntry, error: Error) => void;
}

export interface BatchReport {
  read: number;
  claimed: string[];
  acked: number;
  failed: number;
  deadLettered: number;
}

type Commands = Redis & {
  ackAndRecord(stream: string, ledger: string, group: string, id: string): Promise<number>;
  deadLetter(
    stream: string,
    dlq: string,
    group: string,
    id: string,
    deliveries: number,
    consumer: string,
    ...fields: string[]
  ): Promise<number>;
};

const COMMANDS = readCommands(path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands'));
type RawEntries = [string, string[] | null][];
const toFields = (flat: string[] | null) => {
  const fields: Record<string, string> = {};
  for (let i = 0; flat && i < flat.length; i += 2) fields[flat[i] as string] = flat[i + 1] as string;
  return fields;
};

/**
 * One consumer of a Redis Streams consumer group. Each call of `runOnce` first reclaims entries other
 * consumers left pending too long (XAUTOCLAIM: a consumer that crashed never acknowledges), then reads
 * new ones (XREADGROUP `>`), handles them and acknowledges each one (XACK). Entries delivered too often
 * go to a dead-letter stream instead of failing forever.
 */
export class GroupWorker {
  private readonly redis: Commands;
  private readonly o: Required<Omit<GroupWorkerOptions, 'onError'>> & Pick<GroupWorkerOptions, 'onError'>;

  /** `redis` must be a connection of its own: XREADGROUP BLOCK holds it while waiting. */
  constructor(redis: Redis, options: GroupWorkerOptions) {
    defineCommands(redis, COMMANDS);
    this.redis = redis as Commands;
    this.o = { count: 10, blockMs: 100, ...options };
  }

  /** Creates the group (and the stream) if missing; `0` makes a new group start with the whole stream. */
  static async ensureGroup(redis: Redis, stream: string, group: string, startId = '0'): Promise<void> {
    try {
      await redis.xgroup('CREATE', stream, group, startId, 'MKSTREAM');
    } catch (error) {
      if (!String((error as Error).message).startsWith('BUSYGROUP')) throw error;
    }
  }

  async runOnce(options: { reclaim?: boolean } = {}): Promise<BatchReport> {
    const report: BatchReport = { read: 0, claimed: [], acked: 0, failed: 0, deadLettered: 0 };
    if (options.reclaim !== false) {
      const claimed = await this.reclaim();
      report.claimed = claimed.map((e) => e.id);
      await this.handleAll(claimed, report);
    }
    const fresh = await this.readNew();
    report.read = fresh.length;
    await this.handleAll(fresh, report);
    return report;
  }

  /** Loops until the signal aborts. */
  async run(signal: AbortSignal, options: { reclaim?: boolean } = {}): Promise<void> {
    while (!signal.aborted) await this.runOnce(options);
  }

  // #region read-new
  async readNew(): Promise<StreamEntry[]> {
    const { stream, group, consumer, count, blockMs } = this.o;
    const reply = (await this.redis.xreadgroup(
      'GROUP',
      group,
      consumer,
      'COUNT',
      count,
      'BLOCK',
      blockMs,
      'STREAMS',
      stream,
      '>',
    )) as [string, RawEntries][] | null;
    return (reply?.[0]?.[1] ?? []).map(([id, flat]) => ({ id, fields: toFields(flat), deliveries: 1 }));
  }
  // #endregion read-new

  // #region reclaim
  /**
   * Takes over entries that have been pending for at least `minIdleMs` with any consumer (a crashed one
   * never acknowledges). XAUTOCLAIM also increments each entry's delivery count, read back here from
   * XPENDING so poison messages can be dead-lettered.
   */
  async reclaim(): Promise<StreamEntry[]> {
    const { stream, group, consumer, minIdleMs, count } = this.o;
    const [, raw] = (await this.redis.call(
      'XAUTOCLAIM',
      stream,
      group,
      consumer,
      minIdleMs,
      '0-0',
      'COUNT',
      count,
    )) as [string, RawEntries, string[]?];
    // Entries deleted from the stream while pending come back with null fields: nothing to process.
    const live = raw.filter(([, flat]) => flat !== null);
    if (live.length === 0) return [];
    const pending = (await this.redis.xpending(stream, group, '-', '+', 10 * count, consumer)) as [
      string,
      string,
      number,
      number,
    ][];
    const deliveries = new Map(pending.map(([id, , , n]) => [id, n]));
    return live.map(([id, flat]) => ({ id, fields: toFields(flat), deliveries: deliveries.get(id) ?? 2 }));
  }
  // #endregion reclaim

  private async handleAll(entries: StreamEntry[], report: BatchReport): Promise<void> {
    const { stream, group, consumer, ledgerKey, deadLetterKey, maxDeliveries, handler } = this.o;
    for (const entry of entries) {
      if (entry.deliveries > maxDeliveries) {
        const fields = Object.entries(entry.fields).flat();
        await this.redis.deadLetter(
          stream,
          deadLetterKey,
          group,
          entry.id,
          entry.deliveries,
          consumer,
          ...fields,
        );
        report.deadLettered++;
        continue;
      }
      try {
        await handler(entry);
        report.acked += await this.redis.ackAndRecord(stream, ledgerKey, group, entry.id);
      } catch (error) {
        report.failed++; // left pending on purpose: reclaimed and retried after minIdleMs
        this.o.onError?.(entry, error as Error);
      }
    }
  }
}

/** Entries still pending in the group, per consumer (XPENDING summary form). */
export async function pendingByConsumer(
  redis: Redis,
  stream: string,
  group: string,
): Promise<Record<string, number>> {
  const [, , , consumers] = (await redis.xpending(stream, group)) as [
    number,
    string | null,
    string | null,
    [string, string][] | null,
  ];
  return Object.fromEntries((consumers ?? []).map(([name, n]) => [name, Number(n)]));
}
