import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('{{slug}} demo (quick)', () => {
  it('runs and records what `sdlab run` and the website need', async () => {
    const { recorder } = await runDemoForTest('{{slug}}');
    expect(recorder.tables.length + recorder.figures.length).toBeGreaterThan(0);
    for (const table of recorder.tables) expect(table.rows.length, table.id).toBeGreaterThan(0);
  });
});
