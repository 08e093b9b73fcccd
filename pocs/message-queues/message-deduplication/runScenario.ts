import amqp from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';
import { deleteRedisKeys } from '../../../src/services/namespaces.ts';
import type { ConsumerProcessConfig } from './consumerProtocol.ts';
import { createEffectsStore, type EffectCount } from './effectsStore.ts';
import { planSends, publishPlan } from './publishWithDuplicates.ts';
import { ConsumerChild } from './spawnConsumer.ts';
import type { CrashPoint, StrategyName } from './strategies.ts';

export interface ScenarioOptions {
  urls: { amqp: string; redis: string; database: string };
  /** Unique per run: names the queue, the PostgreSQL schema and the Redis keys. */
  namespace: string;
  strategy: StrategyName;
  messages: number;
  duplicateRate: number;
  prefetch: number;
  concurrency: number;
  redisPreFilter?: boolean;
  /**
   * How the first consumer dies: SIGKILL from outside once it has acked `afterAcked` deliveries, or
   * by its own hand at a dangerous point of one message. Omitted: nobody crashes.
   */
  crash?:
    | { kind: 'sigkill'; afterAcked: number }
    | { kind: 'at-point'; point: CrashPoint; messageId: string };
  seed?: number;
  timeoutMs?: number;
}

export interface ScenarioResult extends EffectCount {
  strategy: StrategyName;
  messages: number;
  duplicatesSent: number;
  /** Deliveries over all consumer processes (re-sends and redeliveries included). */
  deliveries: number;
  redelivered: number;
  skippedAsDuplicate: number;
  /** How the first consumer ended: 'SIGKILL' when it crashed. */
  firstConsumerExit: string;
  /** Deliveries handled per second, first delivery to last ack, summed over both consumers' busy time. */
  msgsPerSec: number;
  /** Messages left in the queue after the last consumer stopped (must be 0). */
  leftInQueue: number;
}

/**
 * One run of the story: publish messages with re-sends, consume them with one strategy in a child
 * process (crashing it if asked), finish with a second consumer, then count the ledger.
 */
export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const { namespace: ns, strategy } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const queue = `${ns}.ledger`;
  const admin = new pg.Pool({ connectionString: options.urls.database, max: 2 });
  const redis = new Redis(options.urls.redis);
  const connection = await amqp.connect(options.urls.amqp);
  const children: ConsumerChild[] = [];
  let store: Awaited<ReturnType<typeof createEffectsStore>> | null = null;
  try {
    store = await createEffectsStore(admin, ns);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(queue, { durable: true });
    const plan = planSends({
      messages: options.messages,
      duplicateRate: options.duplicateRate,
      maxResendDelay: 200,
      seed: options.seed ?? 74,
    });
    await publishPlan(channel, queue, plan);

    const config: ConsumerProcessConfig = {
      amqpUrl: options.urls.amqp,
      redisUrl: options.urls.redis,
      databaseUrl: options.urls.database,
      pgOptions: store.searchPathOption,
      queue,
      strategy,
      keyPrefix: `${ns}:dedup:`,
      ttlSeconds: 3600,
      redisPreFilter: options.redisPreFilter ?? false,
      prefetch: options.prefetch,
      concurrency: options.concurrency,
    };
    const crash = options.crash;
    const first = await ConsumerChild.start(
      crash?.kind === 'at-point'
        ? { ...config, crashAt: { point: crash.point, messageId: crash.messageId } }
        : config,
    );
    children.push(first);
    let firstConsumerExit = 'stopped';
    if (crash?.kind === 'sigkill') {
      await first.waitFor((s) => s.acked >= crash.afterAcked, timeoutMs);
      firstConsumerExit = (await first.kill()).signal ?? 'exit';
    } else if (crash?.kind === 'at-point') {
      const exit = await withTimeout(first.exited, timeoutMs, 'the consumer never reached its crash point');
      firstConsumerExit = exit.signal ?? `exit ${exit.code}`;
    }
    // After a crash, a fresh consumer takes over what was left and what RabbitMQ requeued.
    const last = crash ? await ConsumerChild.start(config) : first;
    if (last !== first) children.push(last);
    await waitUntilDrained(channel, queue, last, timeoutMs);
    await last.stop();
    const leftInQueue = (await channel.checkQueue(queue)).messageCount;

    const counted = await store.count(plan.ids);
    const stats = children.map((c) => c.stats).filter((s) => s !== null);
    const busyMs = stats.reduce(
      (sum, s) => sum + (s.firstDeliveryAt && s.lastSettledAt ? s.lastSettledAt - s.firstDeliveryAt : 0),
      0,
    );
    const deliveries = stats.reduce((sum, s) => sum + s.received, 0);
    return {
      strategy,
      messages: options.messages,
      duplicatesSent: plan.duplicatesSent,
      deliveries,
      redelivered: stats.reduce((sum, s) => sum + s.redelivered, 0),
      skippedAsDuplicate: stats.reduce((sum, s) => sum + s.duplicates, 0),
      firstConsumerExit,
      msgsPerSec: busyMs > 0 ? Math.round((deliveries / busyMs) * 1000) : 0,
      leftInQueue,
      ...counted,
    };
  } finally {
    await Promise.allSettled(children.map((c) => c.kill()));
    const cleanup = await connection.createChannel().catch(() => null);
    await cleanup?.deleteQueue(queue).catch(() => {});
    await connection.close().catch(() => {});
    await deleteRedisKeys(redis, `${ns}:`).catch(() => {});
    await store?.drop().catch(() => {});
    await Promise.allSettled([admin.end(), redis.quit()]);
  }
}

/** Done = nothing ready in the queue and nothing in flight in the consumer, twice in a row. */
async function waitUntilDrained(
  channel: amqp.Channel,
  queue: string,
  consumer: ConsumerChild,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietPolls = 0;
  while (quietPolls < 2) {
    if (Date.now() > deadline) throw new Error(`queue ${queue} not drained within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
    const { messageCount } = await channel.checkQueue(queue);
    const inFlight = consumer.stats?.inFlight ?? 1;
    quietPolls = messageCount === 0 && inFlight === 0 ? quietPolls + 1 : 0;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
