import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-streams-broker demo (quick)', () => {
  it('the stream consumer misses nothing across its downtime; the pub/sub subscriber misses the middle third', async () => {
    const { recorder } = await runDemoForTest('redis-streams-broker');
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    const [pubsub, stream] = recorder.tables.find((t) => t.id === 'offline-consumer')?.rows ?? [];
    expect(stream).toMatchObject({ missed: 0, duplicates: 0, inOrder: true, received: figures.events });
    expect(Number(pubsub?.missed)).toBeGreaterThanOrEqual(Math.floor(Number(figures.events) / 3));
    const retention = recorder.tables.find((t) => t.id === 'retention')?.rows ?? [];
    expect(retention).toHaveLength(3);
    expect(retention[1]?.length).toBeGreaterThanOrEqual(1000);
    expect(retention[2]?.length).toBe(1000);
    expect(Number(retention[0]?.length)).toBeGreaterThan(Number(retention[1]?.length));
    expect(Number.isFinite(figures['tail-p99'])).toBe(true);
  });
});
