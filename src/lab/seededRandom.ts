/**
 * mulberry32: a tiny 32-bit seeded generator. Tests and demos draw the same population every run, so
 * an exact count computed in JS can be compared with what Redis reports for the very same ids.
 * (Not for anything security-related.)
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
