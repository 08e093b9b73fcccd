import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-lua-inventory-reservation demo (quick, real Redis)', () => {
  it('records no oversell for the script, oversell for the naive version, and conserved units', async () => {
    const { recorder } = await runDemoForTest('redis-lua-inventory-reservation');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('script-reserved')).toBe(100);
    expect(figure('naive-oversold') as number).toBeGreaterThan(0);
    expect(figure('units-conserved')).toBe(true);
    expect(figure('late-confirms-refused')).toBe(5);
    expect(recorder.tables.map((t) => t.id)).toEqual(['oversell', 'flash-sale']);
    const sale = recorder.tables[1]!.rows;
    expect(sale.at(-1)).toMatchObject({ available: 0 }); // the retrying buyers took the returned stock
    expect(figure('reserve-ops') as number).toBeGreaterThan(0);
  });
});
