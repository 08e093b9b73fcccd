export interface OverheadVariant {
  label: string;
  /** One call through the variant, awaited. */
  call: () => Promise<unknown>;
}

export interface OverheadResult {
  label: string;
  /** Median over rounds of (batch time / iterations). */
  nsPerCall: number;
  opsPerSec: number;
  /** Every round's ns/call, to show the spread. */
  rounds: number[];
}

/**
 * Per-call cost of each variant in the closed (happy) state. Timing every call with performance.now()
 * would cost more than some of the things measured, so each round times a batch of `iterations`
 * back-to-back awaited calls and divides. Variants take turns inside each round (in a rotating order)
 * so that background noise and GC land on all of them alike; the median round is reported.
 */
export async function measureOverhead(
  variants: OverheadVariant[],
  options: { iterations: number; rounds: number; signal?: AbortSignal; onRound?: (round: number) => void },
): Promise<OverheadResult[]> {
  const { iterations, rounds, signal } = options;
  // Warm-up: let the JIT optimise every variant before anything is timed.
  for (const v of variants) await batch(v.call, Math.max(1_000, Math.floor(iterations / 5)));

  const samples = variants.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    signal?.throwIfAborted();
    for (let k = 0; k < variants.length; k++) {
      const i = (k + r) % variants.length;
      const ns = await batch(variants[i]!.call, iterations);
      samples[i]!.push(ns / iterations);
    }
    options.onRound?.(r + 1);
  }
  return variants.map((v, i) => {
    const nsPerCall = median(samples[i]!);
    return { label: v.label, nsPerCall, opsPerSec: 1e9 / nsPerCall, rounds: samples[i]! };
  });
}

// Not runLoad / LatencyRecorder: they time each call, and reading the clock per call costs more than the
// tens of nanoseconds measured here; a batch timed as a whole does not.
async function batch(call: () => Promise<unknown>, iterations: number): Promise<number> {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await call();
  return Number(process.hrtime.bigint() - t0);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
