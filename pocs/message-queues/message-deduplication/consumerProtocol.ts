/** What a consumer process and its parent exchange: the start-up config and the IPC messages. */
import type { ConsumerStats } from './DedupConsumer.ts';
import type { CrashPoint, StrategyName } from './strategies.ts';

export interface ConsumerProcessConfig {
  amqpUrl: string;
  redisUrl: string;
  databaseUrl: string;
  /** e.g. `-c search_path=sdlab_74_ab12`: where the ledger and processed_messages live. */
  pgOptions: string;
  queue: string;
  strategy: StrategyName;
  keyPrefix: string;
  ttlSeconds: number;
  redisPreFilter: boolean;
  prefetch: number;
  concurrency: number;
  /** Kill this process with SIGKILL when it reaches `point` for message `messageId`. */
  crashAt?: { point: CrashPoint; messageId: string };
}

export type ParentMessage = { type: 'stop' };
export type ChildMessage =
  | { type: 'ready' }
  | { type: 'stats'; stats: ConsumerStats }
  | { type: 'stopped'; stats: ConsumerStats };

export const CONFIG_ENV = 'DEDUP_CONSUMER_CONFIG';
