import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-lua-coupon-redemption demo (quick, real Redis)', () => {
  it('records exactly the cap for the script and an overrun for the racy version', async () => {
    const { recorder } = await runDemoForTest('redis-lua-coupon-redemption');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('script-redeemed')).toBe(100);
    expect(figure('script-distinct-users')).toBe(100);
    expect(figure('racy-redeemed') as number).toBeGreaterThan(100);
    expect(recorder.tables.map((t) => t.id)).toEqual(['redemption-race', 'denial-reasons']);
    const denials = recorder.tables[1]!.rows.reduce((sum, r) => sum + (r.count as number), 0);
    expect(denials).toBe(900);
    expect(figure('redeem-ops') as number).toBeGreaterThan(0);
  });
});
