import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { SERVICES } from '../../../src/services/registry.ts';
import { testNamespace } from '../../../src/testing/services.ts';
import { CachedScript } from './cachedScript.ts';
import { FunctionLibrary } from './FunctionLibrary.ts';
import { respBytes } from './respBytes.ts';
import { BOUNDED_INCR_LUA, callVariants, LIBRARY_FILE } from './variants.ts';

/**
 * SCRIPT FLUSH empties the script cache of the whole server, which would break every other test
 * sharing it: these tests get a Redis of their own.
 */
describe('script caching, EVALSHA fallback and functions (own ephemeral Redis)', () => {
  let server: EphemeralServer;
  let redis: Redis;
  let admin: Redis;
  const ns = testNamespace('script-caching');

  beforeAll(async () => {
    server = await EphemeralServer.start(SERVICES.redis);
    redis = new Redis(server.url);
    admin = new Redis(server.url);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([redis?.quit(), admin?.quit()]);
    await server?.dispose();
  });

  const flushScripts = () => admin.script('FLUSH');

  it('plain EVALSHA answers NOSCRIPT after SCRIPT FLUSH (the failure the fallbacks handle)', async () => {
    const sha = (await redis.script('LOAD', BOUNDED_INCR_LUA)) as string;
    expect(await redis.evalsha(sha, 1, `${ns}:plain`, 1, 10)).toBe(1);
    await flushScripts();
    await expect(redis.evalsha(sha, 1, `${ns}:plain`, 1, 10)).rejects.toThrow(/^NOSCRIPT/);
  });

  // #region fallback-test
  it('the hand-written fallback reloads the script once after a flush and the call succeeds', async () => {
    const script = new CachedScript(BOUNDED_INCR_LUA, 1);
    expect(await script.run(redis, [`${ns}:hand`], [1, 10])).toBe(1); // first call: NOSCRIPT → load
    expect(script.reloads).toBe(1);
    expect(await script.run(redis, [`${ns}:hand`], [1, 10])).toBe(2); // cached: no reload
    expect(script.reloads).toBe(1);
    await flushScripts();
    expect(await script.run(redis, [`${ns}:hand`], [1, 10])).toBe(3);
    expect(script.reloads).toBe(2);
    // The failed EVALSHA did not run the script: the counter moved by exactly one.
    expect(await redis.get(`${ns}:hand`)).toBe('3');
  });
  // #endregion fallback-test

  it('ioredis defineCommand survives a flush: it resends the body as EVAL after NOSCRIPT', async () => {
    redis.defineCommand('boundedIncr', { numberOfKeys: 1, lua: BOUNDED_INCR_LUA });
    const client = redis as Redis & { boundedIncr(key: string, step: number, max: number): Promise<number> };
    await admin.config('RESETSTAT');
    expect(await client.boundedIncr(`${ns}:ioredis`, 1, 10)).toBe(1); // first on this socket: EVAL
    expect(await client.boundedIncr(`${ns}:ioredis`, 1, 10)).toBe(2); // then EVALSHA
    await flushScripts();
    expect(await client.boundedIncr(`${ns}:ioredis`, 1, 10)).toBe(3); // EVALSHA → NOSCRIPT → EVAL
    const stats = await admin.info('commandstats');
    const calls = (cmd: string) => Number(new RegExp(`cmdstat_${cmd}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
    expect(calls('eval')).toBe(2);
    expect(calls('evalsha')).toBe(2); // one succeeded, one answered NOSCRIPT (counted as a call)
  });

  // #region functions-test
  it('a function library loaded from a file survives SCRIPT FLUSH and is gone after FUNCTION DELETE', async () => {
    const library = await FunctionLibrary.load(admin, LIBRARY_FILE, ns);
    expect(library.name).toMatch(/^sdlab_scriptcache_sdlab_script_caching_/);
    expect(await library.fcall('bounded_incr', [`${ns}:fn`], [2, 10])).toBe(2);
    await flushScripts();
    expect(await library.fcall('bounded_incr', [`${ns}:fn`], [2, 10])).toBe(4); // untouched by the flush
    await expect(library.fcall('bounded_incr', [`${ns}:fn`], [0, 10])).rejects.toThrow(/^ERR_BAD_STEP/);
    await library.delete();
    await expect(library.fcall('bounded_incr', [`${ns}:fn`], [2, 10])).rejects.toThrow(/Function not found/i);
  });
  // #endregion functions-test

  it('two namespaces load the same library file side by side without colliding', async () => {
    const a = await FunctionLibrary.load(admin, LIBRARY_FILE, `${ns}_a`);
    const b = await FunctionLibrary.load(admin, LIBRARY_FILE, `${ns}_b`);
    await a.delete();
    expect(await b.fcall('bounded_incr', [`${ns}:both`], [1, 10])).toBe(1); // b still works
    await b.delete();
  });

  it('counts bytes per call exactly: respBytes matches the server’s total_net_input_bytes', async () => {
    const library = await FunctionLibrary.load(admin, LIBRARY_FILE, `${ns}_bytes`);
    const inputBytes = async () => Number(/total_net_input_bytes:(\d+)/.exec(await redis.info('stats'))?.[1]);
    const infoBytes = respBytes(['info', 'stats']);
    for (const variant of callVariants(redis, library)) {
      const key = `${ns}:bytes`;
      await variant.call(key); // warm: EVALSHA's first call loads the script
      const before = await inputBytes();
      for (let i = 0; i < 10; i++) await variant.call(key);
      const after = await inputBytes();
      expect(after - before - infoBytes, variant.name).toBe(10 * variant.bytesPerCall(key));
    }
    // EVAL ships the source: several times more than the other two, for a script of under 1 KB.
    const [evalBytes, evalshaBytes, fcallBytes] = callVariants(redis, library).map((v) =>
      v.bytesPerCall('k'),
    );
    expect(evalBytes!).toBeGreaterThan(5 * evalshaBytes!);
    expect(evalBytes!).toBeGreaterThan(5 * fcallBytes!);
    await library.delete();
  });
});
