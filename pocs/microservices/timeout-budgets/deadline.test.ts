import { describe, expect, it } from 'vitest';
import { Deadline, readBudgetMs } from './deadline.ts';

describe('deadline budget', () => {
  it('reads the budget header, ignoring garbage', () => {
    expect(readBudgetMs({ 'x-deadline-ms': '250' })).toBe(250);
    expect(readBudgetMs({ 'x-deadline-ms': '-3' })).toBe(-3); // spent: the hop will refuse it
    expect(readBudgetMs({ 'x-deadline-ms': ['120', '999'] })).toBe(120);
    expect(readBudgetMs({ 'x-deadline-ms': 'soon' })).toBeUndefined();
    expect(readBudgetMs({})).toBeUndefined();
  });

  it('each hop forwards what is left after its own work', () => {
    const arrived = 1_000; // ms on this hop's monotonic clock
    const deadline = Deadline.after(300, arrived);
    expect(deadline.headerValue(arrived)).toBe('300');
    expect(deadline.headerValue(arrived + 42.7)).toBe('257'); // rounded down: never promise time we lack
    expect(deadline.headerValue(arrived + 500)).toBe('0'); // never negative on the wire
    expect(deadline.remainingMs(arrived + 500)).toBe(-200);
  });

  it('its signal aborts when the budget runs out', async () => {
    const signal = Deadline.after(20).signal();
    expect(signal.aborted).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });
});
