import { createHash } from 'node:crypto';

// #region positions
/**
 * k bit positions from ONE 128-bit hash (MD5 here: fast, built in, and well mixed; nothing here
 * needs a cryptographic hash). Kirsch & Mitzenmacher ("Less Hashing, Same Performance") show that
 * g_i(x) = h1(x) + i·h2(x) mod m, with h1 and h2 two independent hashes, keeps the asymptotic
 * false-positive rate of k independent hash functions, so one digest per member is enough.
 *
 * h1 and h2 come from the two 64-bit halves of the digest; 48 bits of each are used so that all the
 * arithmetic stays in exact JS numbers (BigInt made this the slowest step of the demo). With m at
 * most 2^32 (a Redis bitmap's limit) the modulo bias of a 48-bit value is below 2^-16.
 */
export function bloomPositions(member: string, m: number, k: number): number[] {
  const digest = createHash('md5').update(member).digest();
  const h1 = digest.readUIntBE(0, 6) % m;
  // h2 = 0 would put all k probes on one bit, so it is drawn from 1 … m-1.
  const h2 = 1 + (digest.readUIntBE(8, 6) % (m - 1));
  const positions = new Array<number>(k);
  let g = h1;
  for (let i = 0; i < k; i++) {
    positions[i] = g;
    g = (g + h2) % m; // both terms < 2^32: the sum is exact
  }
  return positions;
}
// #endregion positions
