import { describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { messageId } from './publishWithDuplicates.ts';
import { runScenario, type ScenarioOptions } from './runScenario.ts';

/** One scenario with its own queue, schema and key prefix (read the URLs at run time: global set-up sets them). */
const scenario = (owner: string, options: Omit<ScenarioOptions, 'urls' | 'namespace'>) =>
  runScenario({
    urls: { amqp: serviceUrl('rabbitmq'), redis: serviceUrl('redis'), database: serviceUrl('postgres') },
    namespace: testNamespace(`dedup_${owner}`),
    timeoutMs: 45_000,
    ...options,
  });

/**
 * Every test runs real consumer processes against real RabbitMQ, Redis and PostgreSQL; crashes are
 * SIGKILLs of those processes. Each scenario owns a queue, a schema and a key prefix and removes them.
 */
describe('message deduplication under at-least-once delivery (real crashes)', () => {
  // #region exactly-once-test
  it('transactional dedup: 10,000 messages, 20% re-sent, consumer SIGKILLed mid-stream -> every effect exactly once', async () => {
    const r = await scenario('tx10k', {
      strategy: 'transactional',
      messages: 10_000,
      duplicateRate: 0.2,
      prefetch: 100,
      concurrency: 100,
      crash: { kind: 'sigkill', afterAcked: 3_000 },
    });
    expect(r.firstConsumerExit).toBe('SIGKILL');
    expect(r.duplicatesSent).toBe(2_000);
    expect(r.redelivered).toBeGreaterThan(0); // the crash really left deliveries unacked
    expect(r.effects).toBe(10_000);
    expect(r.distinct).toBe(10_000);
    expect(r.duplicated).toBe(0);
    expect(r.lostIds).toEqual([]);
    expect(r.dedupRecords).toBe(10_000);
    expect(r.leftInQueue).toBe(0);
  }, 90_000);
  // #endregion exactly-once-test
});

// Small scenarios, independent namespaces: run side by side to save wall time (child start-up dominates).
describe.concurrent('deduplication variants, small streams', () => {
  const victim = messageId(50);

  it('no dedup: every re-send becomes a second effect', async () => {
    const r = await scenario('none', {
      strategy: 'none',
      messages: 300,
      duplicateRate: 0.2,
      prefetch: 50,
      concurrency: 5,
    });
    expect(r.duplicatesSent).toBe(60);
    expect(r.distinct).toBe(300);
    expect(r.duplicated).toBe(60);
    expect(r.lostIds).toEqual([]);
  });

  it('Redis SET NX EX on the message id: each message processed once when nothing crashes', async () => {
    const r = await scenario('nx', {
      strategy: 'mark-then-process',
      messages: 300,
      duplicateRate: 0.2,
      prefetch: 50,
      concurrency: 5,
    });
    expect(r.skippedAsDuplicate).toBe(60);
    expect(r.effects).toBe(300);
    expect(r.duplicated).toBe(0);
    expect(r.lostIds).toEqual([]);
  });

  // #region wrong-order-tests
  it('mark-then-process LOSES the message when the consumer dies between the mark and the effect', async () => {
    const r = await scenario('markfirst', {
      strategy: 'mark-then-process',
      messages: 200,
      duplicateRate: 0,
      prefetch: 50,
      concurrency: 1,
      crash: { kind: 'at-point', point: 'after-mark', messageId: victim },
    });
    expect(r.firstConsumerExit).toBe('SIGKILL');
    expect(r.redelivered).toBeGreaterThan(0); // RabbitMQ did redeliver it ...
    expect(r.lostIds).toEqual([victim]); //      ... and the Redis mark made the consumer skip it
    expect(r.duplicated).toBe(0);
  });

  it('process-then-mark DUPLICATES the effect when the consumer dies between the effect and the mark', async () => {
    const r = await scenario('processfirst', {
      strategy: 'process-then-mark',
      messages: 200,
      duplicateRate: 0,
      prefetch: 50,
      concurrency: 1,
      crash: { kind: 'at-point', point: 'after-effect', messageId: victim },
    });
    expect(r.firstConsumerExit).toBe('SIGKILL');
    expect(r.duplicatedIds).toEqual([victim]);
    expect(r.lostIds).toEqual([]);
  });
  // #endregion wrong-order-tests

  it.each([
    ['inside-transaction', 'a crash before COMMIT rolls back record and effect together'],
    ['after-effect', 'a crash after COMMIT but before the ack finds the record on redelivery'],
  ] as const)('transactional dedup survives a crash %s: %s', async (point, _why) => {
    const r = await scenario(`tx_${point}`, {
      strategy: 'transactional',
      messages: 200,
      duplicateRate: 0.2,
      prefetch: 50,
      concurrency: 1,
      redisPreFilter: true,
      crash: { kind: 'at-point', point, messageId: victim },
    });
    expect(r.firstConsumerExit).toBe('SIGKILL');
    expect(r.effects).toBe(200);
    expect(r.duplicatedIds).toEqual([]);
    expect(r.lostIds).toEqual([]);
  });
});
