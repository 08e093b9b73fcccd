import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-reliable-job-queue demo (quick, real Redis, real child process)', () => {
  it('records a lost job for BRPOP and none for BLMOVE + reaper', async () => {
    const { recorder } = await runDemoForTest('redis-reliable-job-queue');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('reliable-lost')).toBe(0);
    expect(figure('brpop-lost') as number).toBeGreaterThanOrEqual(1);
    expect(recorder.tables.map((t) => t.id)).toEqual(['crash', 'throughput']);
    for (const row of recorder.tables[1]!.rows) expect(row.jobsPerSec as number).toBeGreaterThan(0);
  });
});
