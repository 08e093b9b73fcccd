import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-incr-counters demo (quick, real Redis)', () => {
  it('records zero lost increments for INCR, lost ones for GET + SET, and exact per-minute counts', async () => {
    const { recorder } = await runDemoForTest('redis-incr-counters');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('atomic-lost')).toBe(0);
    expect(figure('racy-lost') as number).toBeGreaterThan(0);
    expect(figure('window-counts-exact')).toBe(true);
    expect(figure('window-keys')).toBe(9); // the minute with no traffic has no key
    expect(recorder.tables.map((t) => t.id)).toEqual(['lost-updates', 'per-minute']);
  });
});
