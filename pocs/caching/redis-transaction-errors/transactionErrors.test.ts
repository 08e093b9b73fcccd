import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys } from '../../../src/lab/index.ts';
import { serviceUrl, testNamespace } from '../../../src/testing/services.ts';
import { discarded, luaRunTimeError, queueTimeError, runTimeError } from './transactionErrors.ts';

const url = serviceUrl('redis');
const ns = testNamespace('tx-errors');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(url);
});
afterAll(async () => {
  await deleteRedisKeys(redis, ns);
  await redis.quit();
});

describe('errors inside a Redis transaction (real Redis)', () => {
  it('a queue-time error aborts EXEC with EXECABORT and applies nothing', async () => {
    const r = await queueTimeError(redis, ns);
    expect(r.execReply[0]).toMatch(/^EXECABORT Transaction discarded because of previous errors/);
    expect(r.state).toEqual({ [`${ns}:q:a`]: null, [`${ns}:q:b`]: null });
    expect(r.applied).toBe(0);
  });

  it('a run-time error does not roll back: the other commands are applied', async () => {
    const r = await runTimeError(redis, ns);
    expect(r.execReply).toEqual([
      'OK',
      'ERR value is not an integer or out of range',
      'WRONGTYPE Operation against a key holding the wrong kind of value',
      'OK',
      '1',
    ]);
    // The SET before the failing INCR stays, and so do the commands after it.
    expect(r.state).toEqual({
      [`${ns}:r:a`]: 'not a number',
      [`${ns}:r:b`]: 'applied anyway',
      [`${ns}:r:c`]: '1',
    });
    expect(r.applied).toBe(3);
  });

  it('DISCARD drops the queue and leaves the connection usable', async () => {
    const r = await discarded(redis, ns);
    expect(r.execReply).toEqual(['OK']);
    expect(r.state).toEqual({ [`${ns}:d:a`]: 'original', [`${ns}:d:a:n`]: null });
    expect(await redis.ping()).toBe('PONG'); // not stuck in transaction mode
  });

  it('a failing Lua script keeps the writes it made before the error, too', async () => {
    const r = await luaRunTimeError(redis, ns);
    expect(r.execReply[0]).toMatch(/not an integer/);
    expect(r.state).toEqual({ [`${ns}:l:a`]: 'written before the error', [`${ns}:l:b`]: null });
  });
});
