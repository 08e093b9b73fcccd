import { beforeAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { Ledger, type LedgerRedis, withLedgerScripts } from './Ledger.ts';
import { parseScriptError, TransferRefusedError } from './scriptErrors.ts';

describe('errors inside Lua scripts (real Redis)', () => {
  const db = useRedis('redis-lua-error-handling');
  const { ns } = db;
  let redis: LedgerRedis;
  let ledger: Ledger;
  beforeAll(() => {
    redis = withLedgerScripts(db.redis);
    ledger = new Ledger({ redis, keyPrefix: `${ns}:` });
  });
  const balances = async (...accounts: string[]) =>
    Promise.all(accounts.map((a) => redis.get(ledger.key(a))));

  it('redis.error_reply reaches the client verbatim; error() and bugs come back as ERR with the script location', async () => {
    const errorReply = await redis.raise('error_reply').catch((e: Error) => e);
    expect(errorReply.message).toBe('INSUFFICIENT_FUNDS balance 5 < 10');
    expect(parseScriptError(errorReply)).toEqual({
      code: 'INSUFFICIENT_FUNDS',
      detail: 'balance 5 < 10',
      location: undefined,
    });

    const raised = parseScriptError(await redis.raise('error').catch((e: Error) => e));
    expect(raised).toMatchObject({ code: 'ERR', detail: 'balance too low' });
    expect(raised.location).toMatch(/^script: [0-9a-f]{40}, on @user_script:\d+\.$/);

    const bug = parseScriptError(await redis.raise('runtime').catch((e: Error) => e));
    expect(bug.code).toBe('ERR');
    expect(bug.detail).toMatch(/attempt to perform arithmetic on local 'missing' \(a nil value\)/);
  });

  // #region call-vs-pcall-test
  it('redis.call aborts the script; redis.pcall hands the error back and the script carries on', async () => {
    const target = `${ns}:text`;
    const log = `${ns}:log`;
    await redis.set(target, 'not a number');

    const called = await redis.callVsPcall(target, log, 'call').catch((e: Error) => e);
    expect(parseScriptError(called)).toMatchObject({
      code: 'ERR',
      detail: 'value is not an integer or out of range',
    });
    expect(await redis.lrange(log, 0, -1)).toEqual([]); // the RPUSH after the raising call never ran

    expect(await redis.callVsPcall(target, log, 'pcall')).toEqual([
      'caught',
      'ERR value is not an integer or out of range',
    ]);
    expect(await redis.lrange(log, 0, -1)).toEqual([
      'after pcall: ERR value is not an integer or out of range',
    ]);
  });
  // #endregion call-vs-pcall-test

  // #region half-run-test
  it('a script that fails half-way keeps its earlier writes: the unsafe transfer loses the money', async () => {
    await redis.set(ledger.key('alice'), 100);
    await redis.set(ledger.key('bob'), 'corrupted'); // e.g. written by a buggy deploy
    const error = await ledger.transferUnsafe('alice', 'bob', 30).catch((e: Error) => e);
    expect(parseScriptError(error)).toMatchObject({
      code: 'ERR',
      detail: 'value is not an integer or out of range',
    });
    // The DECRBY before the failing INCRBY was not rolled back: 30 left alice and went nowhere.
    expect(await balances('alice', 'bob')).toEqual(['70', 'corrupted']);
  });
  // #endregion half-run-test

  // #region validate-first-test
  it('the validate-first transfer refuses the same input with a code and writes nothing', async () => {
    await redis.set(ledger.key('carol'), 100);
    await redis.set(ledger.key('dave'), 'corrupted');
    const error = await ledger.transfer('carol', 'dave', 30).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TransferRefusedError);
    expect(error).toMatchObject({ code: 'TO_NOT_INTEGER' });
    expect(await balances('carol', 'dave')).toEqual(['100', 'corrupted']);
  });
  // #endregion validate-first-test

  it('refuses every other bad input before writing, each with its own code', async () => {
    await redis.set(ledger.key('erin'), 50);
    await redis.set(ledger.key('frank'), 5);
    await redis.rpush(ledger.key('list'), 'x');
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e as TransferRefusedError).code,
      );
    expect(await code(ledger.transfer('erin', 'frank', 0))).toBe('BAD_AMOUNT');
    expect(await code(ledger.transfer('erin', 'frank', 2.5))).toBe('BAD_AMOUNT');
    expect(await code(ledger.transfer('nobody', 'frank', 1))).toBe('FROM_MISSING');
    expect(await code(ledger.transfer('list', 'frank', 1))).toBe('FROM_NOT_INTEGER');
    expect(await code(ledger.transfer('erin', 'list', 1))).toBe('TO_NOT_INTEGER');
    expect(await code(ledger.transfer('erin', 'frank', 51))).toBe('INSUFFICIENT_FUNDS');
    expect(await balances('erin', 'frank')).toEqual(['50', '5']); // untouched by six refusals
    expect(await ledger.transfer('erin', 'frank', 20)).toEqual({ from: 30, to: 25 });
    expect(await ledger.transfer('erin', 'new-account', 5)).toEqual({ from: 25, to: 5 }); // a missing "to" is 0
  });
});
