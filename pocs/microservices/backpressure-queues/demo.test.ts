import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('backpressure-queues demo (quick)', () => {
  it('records memory over time, outcomes and the RabbitMQ push-back', async () => {
    const { recorder } = await runDemoForTest('backpressure-queues');
    expect(recorder.tables.map((t) => t.id)).toEqual(['outcomes', 'memory-over-time', 'rabbitmq']);
    const outcomes = recorder.tables[0]!.rows;
    const byVariant = (label: string) => outcomes.find((r) => String(r.variant).startsWith(label))!;
    // The bounded blocking queue delivers everything it was offered; the unbounded one is left with a backlog.
    const blocking = byVariant('bounded queue');
    expect(blocking.delivered).toBe(blocking.offered);
    expect(Number(byVariant('unbounded array').backlog)).toBeGreaterThan(100);
    expect(Number(byVariant('HTTP, 100 queued').shed)).toBeGreaterThan(0);
    expect(recorder.tables[1]!.rows.length).toBeGreaterThan(3);
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['rabbit-queue-depth']).toBe(100);
    expect(figures['blocking-lost']).toBe(0);
    expect(recorder.comparisons.map((c) => c.id)).toEqual(['heap-growth']);
  }, 60_000);
});
