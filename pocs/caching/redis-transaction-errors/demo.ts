import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import {
  discarded,
  luaRunTimeError,
  queueTimeError,
  runTimeError,
  type ScenarioOutcome,
} from './transactionErrors.ts';

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      const outcomes: ScenarioOutcome[] = [];
      for (const scenario of [queueTimeError, runTimeError, discarded, luaRunTimeError]) {
        ctx.signal.throwIfAborted();
        const outcome = await scenario(redis, ns);
        outcomes.push(outcome);
        ctx.log(`${outcome.scenario}: ${outcome.applied} of ${outcome.queued} commands applied`);
        ctx.log(`  reply: ${outcome.execReply.join(' | ')}`);
        for (const [key, value] of Object.entries(outcome.state))
          ctx.log(
            `  ${key.slice(ns.length + 1).padEnd(8)} = ${value === null ? '(nil)' : JSON.stringify(value)}`,
          );
      }
      const [queue, run, discard, lua] = outcomes as [
        ScenarioOutcome,
        ScenarioOutcome,
        ScenarioOutcome,
        ScenarioOutcome,
      ];
      ctx.record.figure('queue-error-applied', 'Commands applied after a queue-time error', queue.applied);
      ctx.record.figure(
        'runtime-error-applied',
        `Commands applied after a run-time error (of ${run.queued})`,
        run.applied,
      );
      ctx.record.figure(
        'runtime-error-failed',
        'Commands that failed at run time (not rolled back)',
        run.queued - run.applied,
      );
      ctx.record.figure('discard-applied', 'Commands applied after DISCARD', discard.applied);
      ctx.record.figure(
        'lua-error-kept-writes',
        'Writes kept by a Lua script that failed half-way',
        lua.applied,
      );
      ctx.record.table({
        id: 'scenarios',
        title: 'What EXEC answers and what is left in Redis afterwards',
        columns: [
          { key: 'scenario', label: 'Scenario' },
          { key: 'queued', label: 'Commands in the block' },
          { key: 'applied', label: 'Applied' },
          { key: 'reply', label: 'Reply' },
          { key: 'state', label: 'Keys afterwards' },
        ],
        rows: outcomes.map((o) => ({
          scenario: o.scenario,
          queued: o.queued,
          applied: o.applied,
          reply: o.execReply.join(' | '),
          state: Object.entries(o.state)
            .map(([k, v]) => `${k.slice(ns.length + 1)}=${v === null ? 'nil' : v}`)
            .join(', '),
        })),
        chart: { type: 'bar', x: 'scenario', y: ['queued', 'applied'], title: 'Queued vs applied' },
      });
      ctx.record.note(
        'Queue-time errors: INCR with no key (wrong number of arguments) and an unknown command. Run-time errors: INCR on ' +
          'a non-integer string and LPUSH on a string key. Applied = commands whose effect is visible afterwards.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
