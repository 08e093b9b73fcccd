import amqp from 'amqplib';
import { STRATEGIES, type StrategyDeps, type StrategyName } from './strategies.ts';

export interface DedupConsumerOptions {
  amqpUrl: string;
  queue: string;
  strategy: StrategyName;
  deps: StrategyDeps;
  /** Unacked deliveries RabbitMQ may push to this consumer at once. */
  prefetch: number;
  /** Deliveries handled at the same time (<= prefetch). 1 = strictly one after another. */
  concurrency: number;
}

export interface ConsumerStats {
  received: number;
  /** Deliveries RabbitMQ flagged as redelivered: a consumer died holding them unacked. */
  redelivered: number;
  processed: number;
  duplicates: number;
  failed: number;
  acked: number;
  /** Received but not yet acked or nacked. */
  inFlight: number;
  firstDeliveryAt: number | null;
  lastSettledAt: number | null;
}

/**
 * An at-least-once consumer: manual acks, bounded prefetch, ack only after the strategy returned.
 * If the process dies, every delivery it had not acked goes back to the queue for the next consumer.
 */
export class DedupConsumer {
  readonly stats: ConsumerStats = {
    received: 0,
    redelivered: 0,
    processed: 0,
    duplicates: 0,
    failed: 0,
    acked: 0,
    inFlight: 0,
    firstDeliveryAt: null,
    lastSettledAt: null,
  };
  private readonly options: DedupConsumerOptions;
  private connection: amqp.ChannelModel | null = null;
  private channel: amqp.Channel | null = null;
  private consumerTag: string | null = null;
  private readonly waiting: (() => void)[] = [];
  private running = 0;

  constructor(options: DedupConsumerOptions) {
    if (options.concurrency < 1 || options.concurrency > options.prefetch)
      throw new Error(`concurrency must be between 1 and prefetch (${options.prefetch})`);
    this.options = options;
  }

  async start(): Promise<void> {
    const { amqpUrl, queue, prefetch } = this.options;
    this.connection = await amqp.connect(amqpUrl);
    this.channel = await this.connection.createChannel();
    await this.channel.prefetch(prefetch);
    const reply = await this.channel.consume(queue, (msg) => {
      if (msg) void this.onDelivery(msg);
    });
    this.consumerTag = reply.consumerTag;
  }

  private async onDelivery(msg: amqp.ConsumeMessage): Promise<void> {
    const s = this.stats;
    s.received++;
    s.inFlight++;
    s.firstDeliveryAt ??= Date.now();
    if (msg.fields.redelivered) s.redelivered++;
    await this.acquire();
    try {
      const id = msg.properties.messageId;
      if (typeof id !== 'string') throw new Error('message has no messageId: the publisher must set one');
      const { amount } = JSON.parse(msg.content.toString()) as { amount: number };
      const outcome = await STRATEGIES[this.options.strategy]({ id, amount }, this.options.deps);
      if (outcome === 'processed') s.processed++;
      else s.duplicates++;
      this.channel?.ack(msg);
      s.acked++;
    } catch {
      s.failed++;
      // Requeue: a transient failure gets another try; the dedup layer keeps that try safe.
      this.channel?.nack(msg, false, true);
    } finally {
      s.inFlight--;
      s.lastSettledAt = Date.now();
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** Graceful stop: no new deliveries, let in-flight ones finish, then close. */
  async stop(timeoutMs = 5_000): Promise<void> {
    if (this.channel && this.consumerTag) await this.channel.cancel(this.consumerTag);
    const deadline = Date.now() + timeoutMs;
    while (this.stats.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await this.connection?.close().catch(() => {});
    this.connection = null;
    this.channel = null;
  }
}
