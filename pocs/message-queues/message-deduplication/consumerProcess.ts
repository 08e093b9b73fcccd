/**
 * Entry point of a consumer running in its own process, so that a crash is a real one: SIGKILL ends
 * the process with its AMQP, Redis and PostgreSQL connections, and RabbitMQ redelivers what it held.
 * Started by `spawnConsumer.ts`; talks to its parent over the IPC channel.
 */
import { Redis } from 'ioredis';
import pg from 'pg';
import {
  type ChildMessage,
  CONFIG_ENV,
  type ConsumerProcessConfig,
  type ParentMessage,
} from './consumerProtocol.ts';
import { DedupConsumer } from './DedupConsumer.ts';

async function main(): Promise<void> {
  const raw = process.env[CONFIG_ENV];
  if (!raw || !process.send)
    throw new Error(`start this file with spawnConsumer(): ${CONFIG_ENV} and IPC are required`);
  const config = JSON.parse(raw) as ConsumerProcessConfig;
  const send = (m: ChildMessage) => process.send?.(m);

  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    options: config.pgOptions,
    max: Math.min(config.concurrency, 8),
  });
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2 });
  const consumer = new DedupConsumer({
    amqpUrl: config.amqpUrl,
    queue: config.queue,
    strategy: config.strategy,
    prefetch: config.prefetch,
    concurrency: config.concurrency,
    deps: {
      pool,
      redis,
      keyPrefix: config.keyPrefix,
      ttlSeconds: config.ttlSeconds,
      redisPreFilter: config.redisPreFilter,
      checkpoint: (point, messageId) => {
        const crash = config.crashAt;
        // A real crash, not an exception: no finally block, no ack, no cleanup runs after this.
        if (crash && crash.point === point && crash.messageId === messageId)
          process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  await consumer.start();
  send({ type: 'ready' });
  const ticker = setInterval(() => send({ type: 'stats', stats: consumer.stats }), 20);

  process.on('message', async (m: ParentMessage) => {
    if (m.type !== 'stop') return;
    await consumer.stop();
    clearInterval(ticker);
    await Promise.allSettled([pool.end(), redis.quit()]);
    send({ type: 'stopped', stats: consumer.stats });
    process.disconnect();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`consumer process failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
