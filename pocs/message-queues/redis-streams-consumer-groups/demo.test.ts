import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-streams-consumer-groups demo (quick)', () => {
  it('without XAUTOCLAIM entries stay stranded; with it nothing is lost and poison is dead-lettered', async () => {
    const { recorder } = await runDemoForTest('redis-streams-consumer-groups');
    const [bug, fix] = recorder.tables.find((t) => t.id === 'recovery')?.rows ?? [];
    expect(Number(bug?.stillPending)).toBeGreaterThan(0);
    expect(fix).toMatchObject({ stillPending: 0, ackedTwice: 0, deadLettered: 2 });
    expect(Number(fix?.ackedOnce) + Number(fix?.deadLettered)).toBe(fix?.messages);
    expect(Number(fix?.claimed)).toBeGreaterThanOrEqual(Number(fix?.strandedAtKill));
    const figures = Object.fromEntries(recorder.figures.map((f) => [f.key, f.value]));
    expect(figures['lost-with-claim']).toBe(0);
  });
});
