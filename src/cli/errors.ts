/**
 * A mistake by the person at the keyboard (unknown POC, bad flag, missing service).
 * The CLI prints its one-line message, no stack trace, and exits with code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes: 0 ok, 1 a check/test/run failed, 2 bad input or missing service, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;
