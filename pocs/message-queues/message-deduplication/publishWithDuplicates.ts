import type amqp from 'amqplib';
import { seededRandom } from '../../../src/lab/seededRandom.ts';

export interface PublishPlanOptions {
  messages: number;
  /** Share of messages the publisher sends a second time with the same id (0.2 = 20%). */
  duplicateRate: number;
  /** A re-send goes out up to this many sends after the original (a retry after a lost confirm). */
  maxResendDelay: number;
  seed: number;
}

export interface PublishPlan {
  /** Every distinct message id, in first-send order. */
  ids: string[];
  /** What goes on the wire, in order: originals and re-sends. */
  sends: { id: string; amount: number }[];
  duplicatesSent: number;
}

export const messageId = (i: number) => `m-${String(i).padStart(6, '0')}`;

/** Builds the send order: every message once, and `duplicateRate` of them again a little later. */
export function planSends(options: PublishPlanOptions): PublishPlan {
  const rnd = seededRandom(options.seed); // the same duplicates every run
  const ids = Array.from({ length: options.messages }, (_, i) => messageId(i));
  const slots: { at: number; order: number; id: string; amount: number }[] = [];
  const resend = Math.round(options.messages * options.duplicateRate);
  // Pick exactly `resend` distinct messages (partial Fisher-Yates over the indexes).
  const indexes = ids.map((_, i) => i);
  for (let k = 0; k < resend; k++) {
    const j = k + Math.floor(rnd() * (indexes.length - k));
    [indexes[k], indexes[j]] = [indexes[j]!, indexes[k]!];
  }
  const resent = new Set(indexes.slice(0, resend));
  ids.forEach((id, i) => {
    const amount = (i % 100) + 1;
    slots.push({ at: i, order: 0, id, amount });
    if (resent.has(i))
      slots.push({ at: i + 1 + Math.floor(rnd() * options.maxResendDelay), order: 1, id, amount });
  });
  slots.sort((a, b) => a.at - b.at || a.order - b.order);
  return { ids, sends: slots.map(({ id, amount }) => ({ id, amount })), duplicatesSent: resend };
}

/**
 * Publishes the plan on a confirm channel in batches: publish a batch, then wait for the broker to
 * confirm all of it. Persistent messages, each stamped with its `messageId`.
 */
export async function publishPlan(
  channel: amqp.ConfirmChannel,
  queue: string,
  plan: PublishPlan,
  batchSize = 500,
): Promise<void> {
  for (let start = 0; start < plan.sends.length; start += batchSize) {
    for (const send of plan.sends.slice(start, start + batchSize)) {
      channel.sendToQueue(queue, Buffer.from(JSON.stringify({ amount: send.amount })), {
        messageId: send.id,
        persistent: true,
        contentType: 'application/json',
      });
    }
    await channel.waitForConfirms();
  }
}
