import { defineDemo } from '../../../src/lab/index.ts';
import { messageId } from './publishWithDuplicates.ts';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './runScenario.ts';
import type { CrashPoint, StrategyName } from './strategies.ts';

interface Variant {
  label: string;
  strategy: StrategyName;
  redisPreFilter?: boolean;
  /** Where a crash hurts this variant most. */
  dangerousPoint: CrashPoint;
}

const VARIANTS: Variant[] = [
  { label: 'no dedup', strategy: 'none', dangerousPoint: 'after-effect' },
  { label: 'Redis SET NX, then effect', strategy: 'mark-then-process', dangerousPoint: 'after-mark' },
  { label: 'effect, then Redis SET', strategy: 'process-then-mark', dangerousPoint: 'after-effect' },
  {
    label: 'PostgreSQL: record + effect in one tx',
    strategy: 'transactional',
    dangerousPoint: 'after-effect',
  },
  {
    label: 'same tx + Redis pre-filter',
    strategy: 'transactional',
    redisPreFilter: true,
    dangerousPoint: 'inside-transaction',
  },
];

export default defineDemo({
  async run(ctx) {
    const urls = {
      amqp: ctx.service('rabbitmq').url,
      redis: ctx.service('redis').url,
      database: ctx.service('postgres').url,
    };
    const messages = ctx.quick ? 300 : 5_000;
    const killAfter = Math.round(messages * 0.4);
    let n = 0;
    const run = (v: Variant, options: Omit<ScenarioOptions, 'urls' | 'namespace' | 'strategy'>) =>
      runScenario({
        urls,
        namespace: `${ctx.namespace}_${n++}`,
        strategy: v.strategy,
        redisPreFilter: v.redisPreFilter ?? false,
        ...options,
      });

    // ---- Part 1: the same stream, a consumer SIGKILLed in the middle, per variant ----
    ctx.log(
      `Part 1: ${messages} messages, 20% re-sent by the publisher with the same id; the consumer ` +
        `(prefetch 100, 100 in flight) is SIGKILLed after ${killAfter} acks and a fresh one finishes.`,
    );
    const midStream: [Variant, ScenarioResult][] = [];
    for (const [i, v] of VARIANTS.entries()) {
      if (ctx.signal.aborted) return;
      ctx.progress('SIGKILL mid-stream', i, VARIANTS.length);
      const r = await run(v, {
        messages,
        duplicateRate: 0.2,
        prefetch: 100,
        concurrency: 100,
        crash: { kind: 'sigkill', afterAcked: killAfter },
      });
      midStream.push([v, r]);
      ctx.log(
        `  ${v.label.padEnd(38)} effects ${r.effects}, duplicated ${r.duplicated}, lost ${r.lostIds.length}, ` +
          `${r.redelivered} redelivered, ${r.msgsPerSec} msgs/s`,
      );
    }
    ctx.record.table({
      id: 'sigkill-mid-stream',
      title: `${messages} messages + 20% re-sends, consumer SIGKILLed mid-stream: what each variant did`,
      columns: [
        { key: 'variant', label: 'Variant' },
        { key: 'deliveries', label: 'Deliveries' },
        { key: 'redelivered', label: 'Redelivered after the kill' },
        { key: 'skipped', label: 'Skipped as duplicate' },
        { key: 'effects', label: 'Effects (ledger rows)' },
        { key: 'duplicated', label: 'Duplicated effects' },
        { key: 'lost', label: 'Lost messages' },
        { key: 'msgsPerSec', label: 'Throughput', unit: 'msgs/s' },
      ],
      rows: midStream.map(([v, r]) => ({
        variant: v.label,
        deliveries: r.deliveries,
        redelivered: r.redelivered,
        skipped: r.skippedAsDuplicate,
        effects: r.effects,
        duplicated: r.duplicated,
        lost: r.lostIds.length,
        msgsPerSec: r.msgsPerSec,
      })),
      chart: { type: 'bar', x: 'variant', y: ['duplicated', 'lost'], title: 'Duplicated and lost effects' },
    });

    // ---- Part 2: one consumer, one message at a time, killed exactly at the dangerous point ----
    const victim = messageId(50);
    const small = ctx.quick ? 100 : 300;
    ctx.log(
      `Part 2: ${small} messages, one at a time; the consumer kills itself at ${victim}'s dangerous point.`,
    );
    const atPoint: [Variant, ScenarioResult][] = [];
    for (const [i, v] of VARIANTS.entries()) {
      if (ctx.signal.aborted) return;
      ctx.progress('crash at the dangerous point', i, VARIANTS.length);
      const r = await run(v, {
        messages: small,
        duplicateRate: 0.2,
        prefetch: 20,
        concurrency: 1,
        crash: { kind: 'at-point', point: v.dangerousPoint, messageId: victim },
      });
      atPoint.push([v, r]);
      ctx.log(
        `  ${v.label.padEnd(38)} killed ${v.dangerousPoint}: duplicated [${r.duplicatedIds.join(', ')}], ` +
          `lost [${r.lostIds.join(', ')}]`,
      );
    }
    ctx.record.table({
      id: 'crash-at-dangerous-point',
      title: `Consumer killed (SIGKILL) at the worst moment for message ${victim}`,
      columns: [
        { key: 'variant', label: 'Variant' },
        { key: 'crashPoint', label: 'Killed' },
        { key: 'effects', label: 'Effects' },
        { key: 'duplicated', label: 'Duplicated effects' },
        { key: 'lost', label: 'Lost messages' },
        { key: 'victim', label: `Effects for ${victim}` },
      ],
      rows: atPoint.map(([v, r]) => ({
        variant: v.label,
        crashPoint: v.dangerousPoint,
        effects: r.effects,
        duplicated: r.duplicated,
        lost: r.lostIds.length,
        victim: r.lostIds.includes(victim) ? 0 : r.duplicatedIds.includes(victim) ? 2 : 1,
      })),
      chart: {
        type: 'bar',
        x: 'variant',
        y: ['duplicated', 'lost'],
        title: 'After one crash at the worst moment',
      },
    });

    const byStrategy = (results: [Variant, ScenarioResult][], label: string) =>
      results.find(([v]) => v.label === label)![1];
    const none = byStrategy(midStream, VARIANTS[0]!.label);
    const tx = byStrategy(midStream, VARIANTS[3]!.label);
    const txPre = byStrategy(midStream, VARIANTS[4]!.label);
    ctx.record.figure('none-duplicated', 'No dedup: duplicated effects (SIGKILL run)', none.duplicated);
    ctx.record.figure(
      'tx-duplicated',
      'Transactional dedup: duplicated effects (SIGKILL run)',
      tx.duplicated,
    );
    ctx.record.figure('tx-lost', 'Transactional dedup: lost messages (SIGKILL run)', tx.lostIds.length);
    ctx.record.figure(
      'mark-first-lost',
      'SET NX then effect, killed after the mark: lost messages',
      byStrategy(atPoint, VARIANTS[1]!.label).lostIds.length,
    );
    ctx.record.figure(
      'process-first-duplicated',
      'Effect then SET, killed after the effect: duplicated effects',
      byStrategy(atPoint, VARIANTS[2]!.label).duplicated,
    );
    ctx.record.compare({
      id: 'duplicated-effects',
      title: 'Duplicated effects, same stream and same SIGKILL',
      unit: 'effects',
      better: 'lower',
      baseline: { label: 'no dedup', value: none.duplicated },
      candidate: { label: 'record + effect in one tx', value: tx.duplicated },
    });
    ctx.record.compare({
      id: 'prefilter-throughput',
      title: 'Throughput of the transactional consumer with and without the Redis pre-filter',
      unit: 'msgs/s',
      better: 'higher',
      baseline: { label: 'PostgreSQL only', value: tx.msgsPerSec },
      candidate: { label: 'Redis pre-filter + PostgreSQL', value: txPre.msgsPerSec },
    });
    ctx.record.note(
      'Each scenario runs the consumer as a child process (node on a .ts file) and crashes it with SIGKILL; ' +
        'RabbitMQ requeues its unacked deliveries for the next consumer process. Ledger rows are counted in PostgreSQL.',
    );
  },
});
