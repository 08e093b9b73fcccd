import { pbkdf2Sync } from 'node:crypto';

/** Iterations of one pbkdf2Sync chunk: small, so `burnCpu` overshoots its budget by well under a millisecond. */
const CHUNK_ITERATIONS = 1_000;

/**
 * Real CPU work (key stretching, the kind of thing a login endpoint does) for about `ms` milliseconds,
 * on whatever thread calls it. Time-bounded rather than iteration-bounded so the blocking it causes is the
 * same on a fast laptop and a loaded CI box.
 */
export function burnCpu(ms: number): number {
  const start = performance.now();
  let chunks = 0;
  while (performance.now() - start < ms) {
    pbkdf2Sync('password', 'salt', CHUNK_ITERATIONS, 32, 'sha256');
    chunks++;
  }
  return chunks;
}

/**
 * pbkdf2 iterations that take about `targetMs` on one idle core. The async `crypto.pbkdf2` runs on a
 * libuv thread and cannot be time-bounded from JavaScript, so it is sized by iterations. The fastest of
 * a few measurements is used: on a busy machine a single one can be inflated by preemption, and too few
 * iterations would make every hash shorter than intended once the machine is quiet again.
 */
export function calibratePbkdf2Iterations(targetMs: number): number {
  const probe = 10_000;
  pbkdf2Sync('password', 'salt', probe, 32, 'sha256'); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    pbkdf2Sync('password', 'salt', probe, 32, 'sha256');
    best = Math.min(best, performance.now() - start);
  }
  return Math.max(1_000, Math.round((targetMs * probe) / best));
}
