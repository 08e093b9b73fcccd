import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { defineCommands, parseCommandFileName, readCommands } from './loadCommands.ts';

describe('parseCommandFileName', () => {
  it('takes the command name and the number of keys from <name>-<numberOfKeys>.lua', () => {
    expect(parseCommandFileName('slidingWindow-1.lua')).toEqual({ name: 'slidingWindow', numberOfKeys: 1 });
    expect(parseCommandFileName('moveToDelayed-12.lua')).toEqual({ name: 'moveToDelayed', numberOfKeys: 12 });
  });

  it('rejects a file without a key count, saying what the convention is', () => {
    expect(() => parseCommandFileName('slidingWindow.lua')).toThrow(/<name>-<numberOfKeys>\.lua/);
  });
});

describe('defineCommands (real Redis)', () => {
  const db = useRedis('sliding-window-rate-limiter');
  const { ns } = db;

  it('reads commands/slidingWindow-1.lua as a one-key command', () => {
    const commands = readCommands();
    expect(commands.map(({ name, numberOfKeys }) => ({ name, numberOfKeys }))).toContainEqual({
      name: 'slidingWindow',
      numberOfKeys: 1,
    });
  });

  it('caches the script in Redis and sends EVALSHA, not the script body, after the first call', async () => {
    const client = new Redis(serviceUrl('redis'));
    try {
      defineCommands(client);
      const script = readCommands().find((c) => c.name === 'slidingWindow')!;
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
