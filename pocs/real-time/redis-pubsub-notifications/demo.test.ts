import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-pubsub-notifications demo (quick)', () => {
  it('delivers everything while connected and loses exactly the restarted server’s first round', async () => {
    const { recorder } = await runDemoForTest('redis-pubsub-notifications');
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['steady-delivered-pct']).toBe(100);
    const [a, b] = recorder.tables.find((t) => t.id === 'offline-window')?.rows ?? [];
    expect(a).toMatchObject({ missed: 0, zeroReceiverPublishes: 0 });
    // B's users were offline for one of the two rounds: one notification each is gone, and Redis said so.
    expect(b?.missed).toBe(b?.users);
    expect(b?.zeroReceiverPublishes).toBe(b?.users);
    expect(figures['missed-while-offline']).toBe(b?.users);
    expect(Number.isFinite(figures['delivery-p99'])).toBe(true);
  });
});
