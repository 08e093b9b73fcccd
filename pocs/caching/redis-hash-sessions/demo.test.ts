import { describe, expect, it } from 'vitest';
import { runDemoForTest } from '../../../src/testing/demo.ts';

describe('redis-hash-sessions demo (quick, real Redis)', () => {
  it('records memory per session and the idle timeout at work', async () => {
    const { recorder } = await runDemoForTest('redis-hash-sessions');
    const figure = (key: string) => recorder.figures.find((f) => f.key === key)?.value;
    expect(figure('busy-session-alive')).toBe(true);
    expect(figure('logged-out-session')).toBe(false);
    expect(figure('idle-session-gone-ms') as number).toBeGreaterThanOrEqual(400);

    const rows = recorder.tables.find((t) => t.id === 'memory-per-session')!.rows;
    expect(rows[0]!.encoding).toBe('listpack');
    expect(rows[2]!.encoding).toBe('hashtable'); // one long value converts the whole hash
    for (const r of rows) expect(r.bytesPerSession as number).toBeGreaterThan(0);
  });
});
