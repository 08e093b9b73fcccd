import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/** One Lua script from a POC's `commands/` folder, ready for ioredis `defineCommand`. */
export interface CommandDefinition {
  /** The method name ioredis adds to the client, e.g. `slidingWindow`. */
  name: string;
  /** How many of the call's leading arguments are keys (KEYS[...]); the rest are ARGV. */
  numberOfKeys: number;
  lua: string;
}

// #region file-name-convention
/**
 * BullMQ's convention: `<name>-<numberOfKeys>.lua`. Putting the key count in the file name keeps
 * it next to the script that depends on it, so the loader needs no table to keep in sync.
 */
const FILE_NAME = /^([A-Za-z][A-Za-z0-9]*)-(\d+)\.lua$/;

export function parseCommandFileName(fileName: string): { name: string; numberOfKeys: number } {
  const match = FILE_NAME.exec(fileName);
  if (!match) {
    throw new Error(
      `commands/${fileName}: name Lua command files <name>-<numberOfKeys>.lua, e.g. slidingWindow-1.lua`,
    );
  }
  return { name: match[1]!, numberOfKeys: Number(match[2]) };
}
// #endregion file-name-convention

// #region includes
/**
 * Redis runs each script on its own, so scripts cannot import one another. BullMQ's answer, used here:
 * a line `--- @include "<name>"` is replaced by `<dir>/includes/<name>.lua` before the script is
 * hashed, so a block several scripts need (e.g. reclaiming expired holds) is written once.
 */
const INCLUDE = /^--- @include "([A-Za-z0-9_-]+)"\s*$/gm;

function expandIncludes(lua: string, dir: string, fileName: string): string {
  return lua.replace(INCLUDE, (_line, name: string) => {
    const file = path.join(dir, 'includes', `${name}.lua`);
    try {
      return readFileSync(file, 'utf8').trimEnd();
    } catch {
      throw new Error(`commands/${fileName} includes "${name}": create ${file}, or fix the name`);
    }
  });
}
// #endregion includes

const cache = new Map<string, CommandDefinition[]>();

/**
 * Reads every `*.lua` in `folder` (not its `includes/`) once per process: scripts don't change while it
 * runs. Pass a path, or `new URL('./commands/', import.meta.url)` from the POC's module.
 */
export function readCommands(folder: string | URL): CommandDefinition[] {
  const dir = folder instanceof URL ? fileURLToPath(folder) : folder;
  const cached = cache.get(dir);
  if (cached) return cached;
  const commands = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((fileName) => ({
      ...parseCommandFileName(fileName),
      lua: expandIncludes(readFileSync(path.join(dir, fileName), 'utf8'), dir, fileName),
    }));
  if (commands.length === 0) throw new Error(`${dir} holds no *.lua command files`);
  cache.set(dir, commands);
  return commands;
}

// #region define-commands
/**
 * Registers each script as a method on the client. ioredis hashes the script (SHA1) once; the
 * first call on each connection sends EVAL (which also stores the script in Redis's script
 * cache), later calls send only EVALSHA + the 40-character digest, and a NOSCRIPT reply (after a
 * restart or SCRIPT FLUSH) makes it resend the body transparently.
 */
export function defineCommands(redis: Redis, commands: CommandDefinition[]): void {
  for (const { name, numberOfKeys, lua } of commands) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }
}
// #endregion define-commands
