import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

const SHEBANG = /^#!lua name=([A-Za-z_][A-Za-z0-9_]*)/;

/**
 * A Redis 7 function library loaded from a `.lua` file that starts with `#!lua name=<library>`.
 *
 * Libraries and function names are global to the server, so two programs (or two test runs)
 * loading the same file would overwrite each other, and one's FUNCTION DELETE would break the
 * other. `load` therefore renames the library to `<library>_<namespace>`: every occurrence of the
 * library name in the file is rewritten, which renames the functions too when, by convention, their
 * names start with the library's.
 */
export class FunctionLibrary {
  readonly name: string;
  private readonly redis: Redis;
  private readonly originalName: string;

  private constructor(redis: Redis, name: string, originalName: string) {
    this.redis = redis;
    this.name = name;
    this.originalName = originalName;
  }

  // #region load
  static async load(redis: Redis, file: string, namespace: string): Promise<FunctionLibrary> {
    const source = readFileSync(file, 'utf8');
    const match = SHEBANG.exec(source);
    if (!match) throw new Error(`${file}: a function library must start with "#!lua name=<library>"`);
    const original = match[1]!;
    const name = `${original}_${namespace.replace(/[^A-Za-z0-9_]/g, '_')}`;
    // REPLACE: loading again (a deploy of a new version) swaps the library atomically.
    await redis.function('LOAD', 'REPLACE', source.replaceAll(original, name));
    return new FunctionLibrary(redis, name, original);
  }
  // #endregion load

  /** The server-side name of a function the file registered as `<library>_<fn>`. */
  functionName(fn: string): string {
    return `${this.name}_${fn}`;
  }

  /** FCALL: only the function's name and its arguments travel, never the code. */
  fcall(fn: string, keys: string[], args: Array<string | number>): Promise<unknown> {
    return this.redis.fcall(this.functionName(fn), keys.length, ...keys, ...args);
  }

  /** FUNCTION DELETE: libraries outlive connections and restarts, so whoever loads one removes it. */
  async delete(): Promise<void> {
    await this.redis.function('DELETE', this.name);
  }

  toString(): string {
    return `${this.name} (from ${this.originalName})`;
  }
}
