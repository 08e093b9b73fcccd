import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';

/** One Lua script from `commands/`, ready for ioredis `defineCommand`. */
export interface CommandDefinition {
  /** The method name ioredis adds to the client, e.g. `slidingWindow`. */
  name: string;
  /** How many of the call's leading arguments are keys (KEYS[...]); the rest are ARGV. */
  numberOfKeys: number;
  lua: string;
}

export const COMMANDS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

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

const cache = new Map<string, CommandDefinition[]>();

/** Reads every `*.lua` in `dir` once per process (scripts don't change while it runs). */
export function readCommands(dir: string = COMMANDS_DIR): CommandDefinition[] {
  const cached = cache.get(dir);
  if (cached) return cached;
  const commands = readdirSync(dir)
    .filter((f) => f.endsWith('.lua'))
    .sort()
    .map((fileName) => ({
      ...parseCommandFileName(fileName),
      lua: readFileSync(path.join(dir, fileName), 'utf8'),
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
export function defineCommands(redis: Redis, commands: CommandDefinition[] = readCommands()): void {
  for (const { name, numberOfKeys, lua } of commands) {
    redis.defineCommand(name, { numberOfKeys, lua });
  }
}
// #endregion define-commands
