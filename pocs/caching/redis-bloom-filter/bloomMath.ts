/**
 * The textbook Bloom filter formulas (Bloom 1970; derived in the Wikipedia article "Bloom filter"):
 *
 *   after n insertions into m bits with k hash functions, a given bit is still 0 with probability
 *   ≈ e^(-kn/m), so a non-member hits k set bits with probability  p ≈ (1 - e^(-kn/m))^k;
 *   for a target n and p that is smallest at  m = -n·ln(p) / (ln 2)²  and  k = (m/n)·ln 2.
 */

// #region sizing
export interface BloomSize {
  /** Bits in the filter. */
  m: number;
  /** Hash positions per member. */
  k: number;
}

export function sizeFor(n: number, p: number): BloomSize {
  if (!(n > 0) || !Number.isFinite(n))
    throw new RangeError(`expected member count must be positive, got ${n}`);
  if (!(p > 0 && p < 1)) throw new RangeError(`false-positive rate must be between 0 and 1, got ${p}`);
  const m = Math.ceil((-n * Math.log(p)) / Math.LN2 ** 2);
  const k = Math.max(1, Math.round((m / n) * Math.LN2));
  return { m, k };
}

/** The false-positive rate the formula predicts for m bits, k hashes and n members actually added. */
export function predictedFalsePositiveRate({ m, k }: BloomSize, n: number): number {
  return (1 - Math.exp((-k * n) / m)) ** k;
}
// #endregion sizing
