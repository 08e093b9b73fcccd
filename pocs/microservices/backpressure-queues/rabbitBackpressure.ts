import { setTimeout as sleep } from 'node:timers/promises';
import type amqp from 'amqplib';

// #region bounded-queue
/** A queue that holds at most `maxLength` messages and NACKs publishes beyond that (needs confirms). */
export async function declareBoundedQueue(
  channel: amqp.Channel,
  queue: string,
  maxLength: number,
): Promise<void> {
  await channel.assertQueue(queue, {
    durable: false,
    arguments: { 'x-max-length': maxLength, 'x-overflow': 'reject-publish' },
  });
}
// #endregion bounded-queue

/** Publishes one message on a confirm channel and resolves true on ack, false on nack. */
export function publishConfirmed(channel: amqp.ConfirmChannel, queue: string, id: string): Promise<boolean> {
  return new Promise((resolve) => {
    channel.sendToQueue(queue, Buffer.from(id), { messageId: id }, (error) => resolve(error == null));
  });
}

export interface PublishOutcome {
  acked: string[];
  nacked: string[];
}

/** Publishes `ids` as fast as possible (no consumer) and reports which ones the broker refused. */
export async function publishAll(
  channel: amqp.ConfirmChannel,
  queue: string,
  ids: string[],
): Promise<PublishOutcome> {
  const results = await Promise.all(ids.map((id) => publishConfirmed(channel, queue, id)));
  return {
    acked: ids.filter((_, i) => results[i]),
    nacked: ids.filter((_, i) => !results[i]),
  };
}

// #region retry-on-nack
/**
 * A publisher that treats a nack as "slow down": it keeps at most `window` publishes unconfirmed and
 * re-publishes a refused message after a backoff, so every message gets in once the consumer makes room.
 */
export async function publishWithBackoff(
  channel: amqp.ConfirmChannel,
  queue: string,
  ids: string[],
  o: { window: number; backoffMs: number; signal?: AbortSignal },
): Promise<{ nacks: number; backoffs: number }> {
  let nacks = 0;
  let backoffs = 0;
  let next = 0;
  const sendOne = async (id: string): Promise<void> => {
    while (!(await publishConfirmed(channel, queue, id))) {
      nacks++;
      backoffs++;
      await sleep(o.backoffMs, undefined, { signal: o.signal });
    }
  };
  const lanes = Array.from({ length: o.window }, async () => {
    while (next < ids.length) await sendOne(ids[next++]!);
  });
  await Promise.all(lanes);
  return { nacks, backoffs };
}
// #endregion retry-on-nack

/** Drains a queue with basic.get and returns the message ids in queue order. */
export async function drainIds(channel: amqp.Channel, queue: string): Promise<string[]> {
  const ids: string[] = [];
  for (;;) {
    const msg = await channel.get(queue, { noAck: true });
    if (msg === false) return ids;
    ids.push(String(msg.properties.messageId));
  }
}

// #region prefetch
/**
 * Subscribes and holds every delivery without acking for `holdMs`: the number received is what the
 * broker pushed into this consumer's memory. `prefetch` 0 means "no limit".
 */
export async function deliveriesHeld(
  channel: amqp.Channel,
  queue: string,
  prefetch: number,
  holdMs: number,
): Promise<number> {
  await channel.prefetch(prefetch);
  let received = 0;
  const { consumerTag } = await channel.consume(queue, () => {
    received++;
  });
  await sleep(holdMs);
  await channel.cancel(consumerTag);
  return received;
}
// #endregion prefetch
