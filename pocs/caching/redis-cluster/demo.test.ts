import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-cluster demo (quick, own six-node cluster)', () => {
  it('records the key distribution, the hash-tag skew and the MOVED counts the site draws', async () => {
    const { recorder } = await runDemoForTest('redis-cluster');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value as number;
    // One tag for every key puts them all on one primary: the other two get none.
    const skew = recorder.tables.find((t) => t.id === 'skew')!;
    expect(skew.rows.at(-1)!.busiest).toBe(100);
    expect(figure('skew-hot-tag')).toBeGreaterThan(figure('skew-no-tags'));
    // Every key that lives elsewhere than the seed node costs the plain client one MOVED; the cluster
    // client, routing by its slot map, gets none.
    expect(figure('moved-plain')).toBe(figure('keys-elsewhere'));
    expect(figure('moved-plain')).toBeGreaterThan(0);
    expect(figure('moved-cluster-client')).toBe(0);
    expect(recorder.tables.map((t) => t.id)).toEqual(['distribution', 'skew', 'redirections']);
    const found = recorder.tables.find((t) => t.id === 'redirections')!.rows.map((r) => r.found);
    expect(found).toEqual([figure('keys-read'), figure('keys-read')]);
  }, 120_000);
});
