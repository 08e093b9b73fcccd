import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-priority-queue demo (quick, real Redis)', () => {
  it('records exactly-once delivery for BZPOPMIN and the wait per priority', async () => {
    const { recorder } = await runDemoForTest('redis-priority-queue');
    const rows = recorder.tables.find((t) => t.id === 'exactly-once')!.rows;
    expect(rows[0]).toMatchObject({ duplicates: 0, missing: 0 });
    const waits = recorder.tables.find((t) => t.id === 'wait-by-priority')!.rows;
    expect(waits.reduce((sum, r) => sum + (r.jobs as number), 0)).toBe(600);
  });
});
