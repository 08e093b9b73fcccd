import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import {
  declareBoundedQueue,
  deliveriesHeld,
  drainIds,
  publishAll,
  publishWithBackoff,
} from './rabbitBackpressure.ts';

describe('RabbitMQ backpressure (real broker)', () => {
  const ns = testNamespace('backpressure');
  const queues: string[] = [];
  let connection: amqp.ChannelModel;
  let confirm: amqp.ConfirmChannel;
  const ids = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
  const queueName = (name: string) => {
    queues.push(`${ns}.${name}`);
    return `${ns}.${name}`;
  };

  beforeAll(async () => {
    connection = await amqp.connect(serviceUrl('rabbitmq'));
    confirm = await connection.createConfirmChannel();
  });
  afterAll(async () => {
    const ch = await connection.createChannel();
    for (const q of queues) await ch.deleteQueue(q);
    await connection.close();
  });

  // #region reject-publish-test
  it('x-max-length + reject-publish: the queue never exceeds its bound and the publisher is nacked for exactly the rest', async () => {
    const q = queueName('reject');
    await declareBoundedQueue(confirm, q, 50);
    const all = ids(200, 'r');
    const { acked, nacked } = await publishAll(confirm, q, all);

    expect(acked).toHaveLength(50);
    expect(nacked).toHaveLength(150);
    expect((await confirm.checkQueue(q)).messageCount).toBe(50);
    // What is in the queue is exactly what was acked: every refusal reached the publisher.
    expect(await drainIds(confirm, q)).toEqual(acked);
  });
  // #endregion reject-publish-test

  it('a publisher that backs off on nacks gets every message through a bounded queue, once', async () => {
    const q = queueName('backoff');
    await declareBoundedQueue(confirm, q, 10);
    const consumerChannel = await connection.createChannel();
    await consumerChannel.prefetch(1);
    const received: string[] = [];
    let maxDepth = 0;
    await consumerChannel.consume(q, (msg) => {
      if (!msg) return;
      setTimeout(() => {
        consumerChannel.ack(msg); // the slow consumer
        received.push(String(msg.properties.messageId));
      }, 2);
    });
    const sampler = setInterval(async () => {
      const { messageCount } = await confirm.checkQueue(q).catch(() => ({ messageCount: 0 }));
      maxDepth = Math.max(maxDepth, messageCount);
    }, 5);
    const all = ids(150, 'b');
    const { nacks } = await publishWithBackoff(confirm, q, all, { window: 20, backoffMs: 5 });
    while (received.length < all.length) await new Promise((r) => setTimeout(r, 10));
    clearInterval(sampler);
    await consumerChannel.close();

    expect(nacks).toBeGreaterThan(0); // the bound really pushed back
    expect(maxDepth).toBeLessThanOrEqual(10);
    expect(new Set(received).size).toBe(all.length);
    expect(received).toHaveLength(all.length);
  });

  it('consumer prefetch bounds what the broker pushes into the consumer; prefetch 0 pushes everything', async () => {
    const q = queueName('prefetch');
    await confirm.assertQueue(q, { durable: false });
    await publishAll(confirm, q, ids(300, 'p'));

    const bounded = await connection.createChannel();
    expect(await deliveriesHeld(bounded, q, 10, 300)).toBe(10);
    await bounded.close(); // unacked deliveries go back to the queue

    const unbounded = await connection.createChannel();
    expect(await deliveriesHeld(unbounded, q, 0, 500)).toBe(300);
    await unbounded.close();
  });
});
