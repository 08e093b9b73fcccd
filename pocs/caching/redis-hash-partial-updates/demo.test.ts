import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-hash-partial-updates demo (quick, real Redis)', () => {
  it('records lost updates for JSON read-modify-write and none for HSET, WATCH or HINCRBY', async () => {
    const { recorder } = await runDemoForTest('redis-hash-partial-updates');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('hash-lost-rounds')).toBe(0);
    expect(figure('watch-lost-rounds')).toBe(0);
    expect(figure('hincrby-lost')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual(['field-updates', 'increments']);
  });
});
