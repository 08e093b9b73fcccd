import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { useRedis } from '../testing/redis.ts';
import { serviceUrl } from '../testing/services.ts';
import { defineCommands, parseCommandFileName, readCommands } from './redisCommands.ts';

const SLIDING_WINDOW = new URL(
  '../../pocs/api-design/sliding-window-rate-limiter/commands/',
  import.meta.url,
);

describe('parseCommandFileName', () => {
  it('takes the command name and the number of keys from <name>-<numberOfKeys>.lua', () => {
    expect(parseCommandFileName('slidingWindow-1.lua')).toEqual({ name: 'slidingWindow', numberOfKeys: 1 });
    expect(parseCommandFileName('moveToDelayed-12.lua')).toEqual({ name: 'moveToDelayed', numberOfKeys: 12 });
  });

  it('rejects a file without a key count, saying what the convention is', () => {
    expect(() => parseCommandFileName('slidingWindow.lua')).toThrow(/<name>-<numberOfKeys>\.lua/);
  });
});

describe('readCommands: --- @include', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdlab-commands-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('inlines includes/<name>.lua where a script says --- @include "<name>"', () => {
    mkdirSync(path.join(dir, 'ok', 'includes'), { recursive: true });
    writeFileSync(
      path.join(dir, 'ok', 'includes', 'double.lua'),
      'local function double(x) return 2 * x end\n',
    );
    writeFileSync(path.join(dir, 'ok', 'twice-1.lua'), '--- @include "double"\nreturn double(ARGV[1])\n');
    const [twice] = readCommands(path.join(dir, 'ok'));
    expect(twice).toEqual({
      name: 'twice',
      numberOfKeys: 1,
      lua: 'local function double(x) return 2 * x end\nreturn double(ARGV[1])\n',
    });
  });

  it('names the script and the missing file when an include does not exist', () => {
    mkdirSync(path.join(dir, 'missing'));
    writeFileSync(path.join(dir, 'missing', 'twice-1.lua'), '--- @include "nope"\nreturn 1\n');
    expect(() => readCommands(path.join(dir, 'missing'))).toThrow(
      /twice-1\.lua includes "nope".*includes\/nope\.lua/,
    );
  });
});

describe('defineCommands (real Redis)', () => {
  const db = useRedis('sliding-window-rate-limiter');
  const { ns } = db;

  it('reads commands/slidingWindow-1.lua as a one-key command', () => {
    const commands = readCommands(SLIDING_WINDOW);
    expect(commands.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toContainEqual({
      name: 'slidingWindow',
      numberOfKeys: 1,
    });
  });

  it('caches the script in Redis and sends EVALSHA, not the script body, after the first call', async () => {
    const client = new Redis(serviceUrl('redis'));
    try {
      defineCommands(client, readCommands(SLIDING_WINDOW));
      const script = readCommands(SLIDING_WINDOW).find((c) => c.name === 'slidingWindow')!;
      const sha = createHash('sha1').update(script.lua).digest('hex');
      const commands = client as unknown as { slidingWindow(...args: unknown[]): Promise<unknown> };

      const evalshaBefore = await commandCalls(db.redis, 'evalsha');
      for (let i = 0; i < 10; i++) await commands.slidingWindow(`${ns}:evalsha`, 100, 60_000, 1, `t${i}`);
      const evalshaAfter = await commandCalls(db.redis, 'evalsha');

      expect(await db.redis.script('EXISTS', sha)).toEqual([1]);
      // The first call on a connection is EVAL (it loads the script); the other nine must be EVALSHA.
      // Other tests may run EVALSHA on the same server at the same time, so this is a lower bound.
      expect(evalshaAfter - evalshaBefore).toBeGreaterThanOrEqual(9);
    } finally {
      await client.quit();
    }
  });
});

/** Server-wide call count of one command, from INFO commandstats. */
async function commandCalls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+)`, 'm').exec(info);
  return match ? Number(match[1]) : 0;
}
