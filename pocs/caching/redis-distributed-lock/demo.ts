import { defineDemo, round } from '../../../src/lab/index.ts';
import { runCounterRace } from './counterRace.ts';
import { runLatencyBenchmark } from './latencyBenchmark.ts';
import { type PauseScenarioResult, type PauseVariant, runPauseScenario } from './pauseScenario.ts';

const CONTENDERS = 50;
const TTL_MS = 300;

const VARIANT_LABELS: Record<PauseVariant, string> = {
  unfenced: 'RedisLock, resource trusts the lock',
  fenced: 'RedisLock + fencing token checked by the resource',
  redlock: 'redlock (single Redis), resource trusts the lock',
};

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;

    // ── 1. What the lock does give: mutual exclusion while holders are on time ───────────────
    ctx.progress('mutual exclusion');
    const locked = await runCounterRace({
      url,
      keyPrefix: `${ns}:mx:`,
      contenders: CONTENDERS,
      connections: 10,
      locked: true,
      signal: ctx.signal,
    });
    const unlocked = await runCounterRace({
      url,
      keyPrefix: `${ns}:nomx:`,
      contenders: CONTENDERS,
      connections: 10,
      locked: false,
      signal: ctx.signal,
    });
    ctx.log(`${CONTENDERS} contenders, GET → 2 ms of work → SET+1 on one counter:`);
    ctx.log(`  with RedisLock:  ${locked.final} of ${CONTENDERS}`);
    ctx.log(`  without a lock:  ${unlocked.final} of ${CONTENDERS}`);
    ctx.record.figure('locked-count', `Counter after ${CONTENDERS} locked increments`, locked.final);
    ctx.record.figure('unlocked-count', `Counter after ${CONTENDERS} unlocked increments`, unlocked.final);

    // ── 2. What it cannot give: a holder paused past its TTL ─────────────────────────────────
    ctx.log('');
    ctx.log(
      `Holder A (a child process) takes the lock (TTL ${TTL_MS} ms), checks its lease, is frozen with SIGSTOP;`,
    );
    ctx.log('B takes the expired lock and writes; A is thawed with SIGCONT and writes too:');
    const pause: PauseScenarioResult[] = [];
    for (const variant of ['unfenced', 'fenced', 'redlock'] as const) {
      ctx.signal.throwIfAborted();
      ctx.progress(`pause scenario: ${variant}`);
      const r = await runPauseScenario({
        url,
        namespace: `${ns}:${variant}`,
        variant,
        ttlMs: TTL_MS,
        signal: ctx.signal,
      });
      pause.push(r);
      ctx.log(
        `  ${VARIANT_LABELS[variant].padEnd(50)} A frozen ${Math.round(r.pausedMs)} ms, wrote ${r.aLateByMs} ms after its lease; ` +
          `A's write ${r.writeA.accepted ? 'ACCEPTED' : 'rejected'}; final writer ${r.finalWriter}${r.lostWrite ? ' (B’s write lost)' : ''}`,
      );
    }
    const by = (v: PauseVariant) => pause.find((r) => r.variant === v)!;
    ctx.record.figure('ttl-ms', 'Lock TTL in the pause scenario', TTL_MS, 'ms');
    ctx.record.figure(
      'paused-ms',
      'How long holder A was frozen (unfenced run)',
      Math.round(by('unfenced').pausedMs),
      'ms',
    );
    ctx.record.figure(
      'unfenced-two-holders',
      'Two clients acted as lock holder at once (unfenced)',
      by('unfenced').twoHolders,
    );
    ctx.record.figure(
      'unfenced-lost-write',
      'The new holder’s write was lost (unfenced)',
      by('unfenced').lostWrite,
    );
    ctx.record.figure(
      'fenced-stale-rejected',
      'The stale holder’s write was rejected (fenced)',
      !by('fenced').writeA.accepted,
    );
    ctx.record.figure(
      'fenced-lost-write',
      'The new holder’s write was lost (fenced)',
      by('fenced').lostWrite,
    );
    ctx.record.figure(
      'redlock-lost-write',
      'The new holder’s write was lost (redlock)',
      by('redlock').lostWrite,
    );
    ctx.record.table({
      id: 'pause',
      title: `Holder paused past its ${TTL_MS} ms TTL while another client takes the lock`,
      columns: [
        { key: 'variant', label: 'Lock and resource' },
        { key: 'tokenA', label: 'A’s fencing token' },
        { key: 'tokenB', label: 'B’s fencing token' },
        { key: 'pausedMs', label: 'A frozen', unit: 'ms' },
        { key: 'aLateByMs', label: 'A wrote this long after its lease', unit: 'ms' },
        { key: 'writeA', label: 'A’s stale write' },
        { key: 'finalWriter', label: 'Final writer' },
        { key: 'lostWrites', label: 'Lost writes' },
      ],
      rows: pause.map((r) => ({
        variant: VARIANT_LABELS[r.variant],
        tokenA: r.tokenA === null ? 'none' : r.tokenA,
        tokenB: r.tokenB === null ? 'none' : r.tokenB,
        pausedMs: Math.round(r.pausedMs),
        aLateByMs: r.aLateByMs,
        writeA: r.writeA.accepted ? 'accepted' : `rejected (highest seen ${r.writeA.highestSeen})`,
        finalWriter: r.finalWriter ?? 'none',
        lostWrites: r.lostWrite ? 1 : 0,
      })),
      chart: { type: 'bar', x: 'variant', y: ['lostWrites'], title: 'Writes lost to the paused holder' },
    });

    // ── 3. The cost of the lock itself, next to redlock ───────────────────────────────────────
    ctx.signal.throwIfAborted();
    ctx.progress('latency benchmark');
    const iterations = ctx.quick ? 100 : 2_000;
    const rounds = ctx.quick ? 2 : 4;
    const bench = await runLatencyBenchmark({
      url,
      keyPrefix: `${ns}:bench:`,
      iterations,
      rounds,
      signal: ctx.signal,
    });
    ctx.log('');
    ctx.log(
      `Uncontended acquire + release, ${iterations} pairs × ${rounds} alternating rounds, one connection each:`,
    );
    for (const b of bench) {
      ctx.log(
        `  ${b.lock.padEnd(10)} acquire p50 ${b.acquire.p50} ms p99 ${b.acquire.p99} ms   ` +
          `release p50 ${b.release.p50} ms p99 ${b.release.p99} ms   ${Math.round(b.pairsPerSecond)} pairs/s`,
      );
    }
    ctx.record.table({
      id: 'latency',
      title: 'Uncontended acquire and release on one Redis: RedisLock vs redlock',
      columns: [
        { key: 'lock', label: 'Lock' },
        { key: 'acquireP50', label: 'Acquire p50', unit: 'ms' },
        { key: 'acquireP99', label: 'Acquire p99', unit: 'ms' },
        { key: 'releaseP50', label: 'Release p50', unit: 'ms' },
        { key: 'releaseP99', label: 'Release p99', unit: 'ms' },
        { key: 'pairsPerSecond', label: 'Acquire + release', unit: 'pairs/s' },
      ],
      rows: bench.map((b) => ({
        lock: b.lock === 'RedisLock' ? 'RedisLock (this POC)' : 'redlock 5 (1 instance)',
        acquireP50: b.acquire.p50,
        acquireP99: b.acquire.p99,
        releaseP50: b.release.p50,
        releaseP99: b.release.p99,
        pairsPerSecond: Math.round(b.pairsPerSecond),
      })),
      chart: {
        type: 'bar',
        x: 'lock',
        y: ['acquireP50', 'acquireP99', 'releaseP50', 'releaseP99'],
        title: 'Latency (lower is better)',
      },
    });
    const [ours, theirs] = bench as [(typeof bench)[0], (typeof bench)[0]];
    const vsRedlock = (
      id: string,
      title: string,
      unit: string,
      better: 'higher' | 'lower',
      base: number,
      cand: number,
    ) =>
      ctx.record.compare({
        id,
        title,
        unit,
        better,
        baseline: { label: 'redlock 5 (1 instance)', value: base },
        candidate: { label: 'RedisLock (this POC)', value: cand },
      });
    vsRedlock('acquire-p50-vs-redlock', 'Acquire p50', 'ms', 'lower', theirs.acquire.p50, ours.acquire.p50);
    vsRedlock('release-p50-vs-redlock', 'Release p50', 'ms', 'lower', theirs.release.p50, ours.release.p50);
    vsRedlock(
      'pairs-vs-redlock',
      'Acquire + release per second',
      'pairs/s',
      'higher',
      round(theirs.pairsPerSecond, 0),
      round(ours.pairsPerSecond, 0),
    );
    ctx.record.note(
      'Holder A is a real Node.js child process frozen with SIGSTOP and thawed with SIGCONT, standing for a GC pause, ' +
        'a VM stall or a swapped-out process. It checked its lease right before the pause and does not re-check after it.',
    );
    ctx.record.note(
      'RedisLock acquires with one script (SET NX PX + INCR of the fencing counter); redlock 5 with one script ' +
        '(EXISTS + SET PX) and computes a validity time with a clock-drift allowance. Both release with a compare-token script.',
    );
  },
});
