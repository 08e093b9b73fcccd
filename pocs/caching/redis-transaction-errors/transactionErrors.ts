import type { Redis } from 'ioredis';

/** What EXEC answered and what the keys hold afterwards. */
export interface ScenarioOutcome {
  scenario: string;
  /** `EXECABORT …` / `DISCARD` / one entry per command: `OK`, a value, or the error text. */
  execReply: string[];
  /** Commands in the block whose effect is visible afterwards. */
  applied: number;
  queued: number;
  /** GET of every key the block touched, afterwards (null = never written). */
  state: Record<string, string | null>;
}

const replyText = (pair: [Error | null, unknown]) => (pair[0] ? pair[0].message : String(pair[1]));

// #region queue-time-error
/**
 * An error Redis can see while queuing (unknown command, wrong number of arguments): it answers the
 * command with an error instead of QUEUED, remembers it, and refuses the whole EXEC with EXECABORT.
 * Nothing in the block runs, including the valid commands before and after the bad one.
 */
export async function queueTimeError(redis: Redis, prefix: string): Promise<ScenarioOutcome> {
  const [a, b] = [`${prefix}:q:a`, `${prefix}:q:b`];
  let execReply: string[];
  try {
    await redis
      .multi()
      .set(a, 'before the bad command')
      .call('INCR') // INCR needs exactly one key: wrong number of arguments, detected at queue time
      .call('NOSUCHCOMMAND', 'x') // unknown command, also detected at queue time
      .set(b, 'after the bad command')
      .exec();
    execReply = ['EXEC succeeded (unexpected)'];
  } catch (error) {
    execReply = [(error as Error).message];
  }
  const state = { [a]: await redis.get(a), [b]: await redis.get(b) };
  return { scenario: 'queue-time error', execReply, applied: countWritten(state), queued: 4, state };
}
// #endregion queue-time-error

// #region run-time-error
/**
 * An error Redis only finds while running the command (INCR on a value that is not an integer,
 * a list command on a string key): EXEC runs every queued command anyway. The failing one returns
 * its error in the reply array; the others are applied, and nothing is rolled back.
 */
export async function runTimeError(redis: Redis, prefix: string): Promise<ScenarioOutcome> {
  const [a, b, c] = [`${prefix}:r:a`, `${prefix}:r:b`, `${prefix}:r:c`];
  const replies = await redis
    .multi()
    .set(a, 'not a number')
    .incr(a) // ERR value is not an integer: fails when it runs
    .lpush(a, 'x') // WRONGTYPE: a string key, a list command
    .set(b, 'applied anyway')
    .incr(c)
    .exec();
  const execReply = (replies ?? []).map(replyText);
  const state = { [a]: await redis.get(a), [b]: await redis.get(b), [c]: await redis.get(c) };
  const applied = (replies ?? []).filter(([error]) => error === null).length;
  return { scenario: 'run-time error', execReply, applied, queued: 5, state };
}
// #endregion run-time-error

// #region discard
/** DISCARD drops the queue: nothing runs, and the connection leaves transaction mode. */
export async function discarded(redis: Redis, prefix: string): Promise<ScenarioOutcome> {
  const a = `${prefix}:d:a`;
  await redis.set(a, 'original');
  await redis.multi({ pipeline: false }); // MULTI now; commands answer QUEUED one by one
  await redis.set(a, 'changed inside the transaction');
  await redis.incr(`${a}:n`);
  const reply = await redis.discard();
  const state = { [a]: await redis.get(a), [`${a}:n`]: await redis.get(`${a}:n`) };
  return { scenario: 'DISCARD', execReply: [reply], applied: 0, queued: 2, state };
}
// #endregion discard

/** Contrast: a Lua script that fails half-way keeps its earlier writes too. */
export async function luaRunTimeError(redis: Redis, prefix: string): Promise<ScenarioOutcome> {
  const [a, b] = [`${prefix}:l:a`, `${prefix}:l:b`];
  let execReply: string[];
  try {
    await redis.eval(
      "redis.call('SET', KEYS[1], 'written before the error'); redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], 'never reached')",
      2,
      a,
      b,
    );
    execReply = ['script succeeded (unexpected)'];
  } catch (error) {
    execReply = [(error as Error).message];
  }
  const state = { [a]: await redis.get(a), [b]: await redis.get(b) };
  return { scenario: 'Lua script error', execReply, applied: countWritten(state), queued: 3, state };
}

function countWritten(state: Record<string, string | null>): number {
  return Object.values(state).filter((v) => v !== null).length;
}
