import { describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { discarded, luaRunTimeError, queueTimeError, runTimeError } from './transactionErrors.ts';

const db = useRedis('tx-errors');
const { ns } = db;

describe('errors inside a Redis transaction (real Redis)', () => {
  it('a queue-time error aborts EXEC with EXECABORT and applies nothing', async () => {
    const r = await queueTimeError(db.redis, ns);
    expect(r.execReply[0]).toMatch(/^EXECABORT Transaction discarded because of previous errors/);
    expect(r.state).toEqual({ [`${ns}:q:a`]: null, [`${ns}:q:b`]: null });
    expect(r.applied).toBe(0);
  });

  it('a run-time error does not roll back: the other commands are applied', async () => {
    const r = await runTimeError(db.redis, ns);
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
    const r = await discarded(db.redis, ns);
    expect(r.execReply).toEqual(['OK']);
    expect(r.state).toEqual({ [`${ns}:d:a`]: 'original', [`${ns}:d:a:n`]: null });
    expect(await db.redis.ping()).toBe('PONG'); // not stuck in transaction mode
  });

  it('a failing Lua script keeps the writes it made before the error, too', async () => {
    const r = await luaRunTimeError(db.redis, ns);
    expect(r.execReply[0]).toMatch(/not an integer/);
    expect(r.state).toEqual({ [`${ns}:l:a`]: 'written before the error', [`${ns}:l:b`]: null });
  });
});
