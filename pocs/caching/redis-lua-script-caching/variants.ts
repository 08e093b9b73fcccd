import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { CachedScript } from './cachedScript.ts';
import type { FunctionLibrary } from './FunctionLibrary.ts';
import { respBytes } from './respBytes.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCRIPT_FILE = path.join(here, 'commands', 'boundedIncr-1.lua');
export const LIBRARY_FILE = path.join(here, 'functions', 'sdlab_scriptcache.lua');
export const BOUNDED_INCR_LUA = readFileSync(SCRIPT_FILE, 'utf8');

/** One way to call the same bounded increment, and the exact bytes each call puts on the wire. */
export interface CallVariant {
  name: string;
  call: (key: string) => Promise<unknown>;
  bytesPerCall: (key: string) => number;
}

const STEP = 1;
const MAX = 1_000_000_000;

// #region variants
export function callVariants(redis: Redis, library: FunctionLibrary): CallVariant[] {
  const cached = new CachedScript(BOUNDED_INCR_LUA, 1);
  const fn = library.functionName('bounded_incr');
  return [
    {
      name: 'EVAL (full source every call)',
      call: (key) => redis.eval(BOUNDED_INCR_LUA, 1, key, STEP, MAX),
      bytesPerCall: (key) => respBytes(['EVAL', BOUNDED_INCR_LUA, 1, key, STEP, MAX]),
    },
    {
      name: 'EVALSHA (40-character digest)',
      call: (key) => cached.run(redis, [key], [STEP, MAX]),
      bytesPerCall: (key) => respBytes(['EVALSHA', cached.sha, 1, key, STEP, MAX]),
    },
    {
      name: 'FCALL (function name)',
      call: (key) => redis.fcall(fn, 1, key, STEP, MAX),
      bytesPerCall: (key) => respBytes(['FCALL', fn, 1, key, STEP, MAX]),
    },
  ];
}
// #endregion variants
