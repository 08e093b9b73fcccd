import { describe, expect, it } from 'vitest';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { runPauseScenario } from './pauseScenario.ts';

const url = serviceUrl('redis');

// A REAL child process holds the lock and is frozen with SIGSTOP past its TTL, then thawed with SIGCONT.
describe('a lock holder paused past its TTL (SIGSTOP / SIGCONT)', () => {
  it('without fencing: two holders, and the stale holder overwrites the new holder’s write', async () => {
    const r = await runPauseScenario({
      url,
      namespace: testNamespace('lock-pause-unfenced'),
      variant: 'unfenced',
    });
    expect(r.pausedMs).toBeGreaterThan(300);
    expect(r.twoHolders).toBe(true);
    expect(r.tokenB).toBeGreaterThan(r.tokenA!);
    expect(r.writeB.accepted).toBe(true);
    expect(r.writeA.accepted).toBe(true);
    expect(r.finalWriter).toBe('A');
    expect(r.lostWrite).toBe(true);
    expect(r.aReleased).toBe(false); // the compare-token release did not delete B's lock
  });

  it('with fencing: still two holders, but the resource rejects the stale holder’s write', async () => {
    const r = await runPauseScenario({
      url,
      namespace: testNamespace('lock-pause-fenced'),
      variant: 'fenced',
    });
    expect(r.twoHolders).toBe(true);
    expect(r.writeB.accepted).toBe(true);
    expect(r.writeA).toEqual({ accepted: false, highestSeen: r.tokenB });
    expect(r.finalWriter).toBe('B');
    expect(r.lostWrite).toBe(false);
  });

  it('redlock on the same single Redis: the same pause, the same lost write (it has no fencing token)', async () => {
    const r = await runPauseScenario({
      url,
      namespace: testNamespace('lock-pause-redlock'),
      variant: 'redlock',
    });
    expect(r.twoHolders).toBe(true);
    expect(r.tokenA).toBeNull();
    expect(r.writeA.accepted).toBe(true);
    expect(r.finalWriter).toBe('A');
    expect(r.lostWrite).toBe(true);
  });
});
