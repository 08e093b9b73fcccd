import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder } from '../../../src/lab/index.ts';
import { FriendGraph, type Suggestion } from './FriendGraph.ts';
import { edges, generateGraph, suggestionsReference } from './socialGraph.ts';

const fmt = (n: number) => n.toLocaleString('en-US');
const same = (a: Suggestion[], b: Suggestion[]) => JSON.stringify(a) === JSON.stringify(b);

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      const users = ctx.quick ? 1_000 : 20_000;
      const friendsEach = 30;
      ctx.progress(`building a graph of ${fmt(users)} users`);
      const data = generateGraph(users, friendsEach, 2025);
      const graph = new FriendGraph({ redis, keyPrefix: `${ns}:` });
      const all = edges(data);
      // Bulk import: plain pipelined SADDs (nobody else writes during an import; live writes use befriend()).
      for (let i = 0; i < all.length; i += 5_000) {
        const pipeline = redis.pipeline();
        for (const [a, b] of all.slice(i, i + 5_000))
          pipeline.sadd(graph.friendsKey(a), b).sadd(graph.friendsKey(b), a);
        await pipeline.exec();
      }
      const meanFriends = (2 * all.length) / users;
      ctx.log(
        `${fmt(users)} users, ${fmt(all.length)} friendships (mean ${meanFriends.toFixed(1)} friends each)`,
      );
      ctx.record.figure('users', 'Users in the graph', users);
      ctx.record.figure('mean-friends', 'Mean friends per user', Math.round(meanFriends * 10) / 10);

      const sample = ctx.quick ? 25 : 300;
      const step = Math.floor(users / sample);
      const methods = [
        {
          label: 'SUNIONSTORE + SDIFFSTORE, then SINTERCARD per candidate',
          run: (u: string) => graph.suggestions(u, 10),
        },
        {
          label: 'ZUNIONSTORE (scores = mutual counts)',
          run: (u: string) => graph.suggestionsByZunion(u, 10),
        },
      ];
      const rows = [];
      let candidatesTotal = 0;
      for (const method of methods) {
        ctx.progress(method.label);
        const latency = new LatencyRecorder();
        let equal = 0;
        for (let i = 0; i < users; i += step) {
          const user = `u${i}`;
          const got = await latency.time(() => method.run(user));
          if (same(got, suggestionsReference(data, user, 10))) equal++;
        }
        const s = latency.summary();
        rows.push({ method: method.label, users: s.count, equalToReference: equal, p50: s.p50, p99: s.p99 });
      }
      for (let i = 0; i < users; i += step)
        candidatesTotal += suggestionsReference(data, `u${i}`, Number.MAX_SAFE_INTEGER).length;
      ctx.log(
        `Top-10 suggestions for ${rows[0]!.users} users (mean ${Math.round(candidatesTotal / rows[0]!.users)} friends-of-friends each):`,
      );
      for (const r of rows)
        ctx.log(
          `  ${r.method.padEnd(58)} equal to JS ${r.equalToReference}/${r.users}  p50 ${r.p50} ms  p99 ${r.p99} ms`,
        );
      ctx.record.figure(
        'candidates-mean',
        'Mean friends-of-friends per user (candidates ranked)',
        Math.round(candidatesTotal / rows[0]!.users),
      );
      ctx.record.figure(
        'all-equal-reference',
        'Every suggestion list equals the JS reference',
        rows.every((r) => r.equalToReference === r.users),
      );
      ctx.record.table({
        id: 'suggestions',
        title: `Top-10 friend suggestions for ${rows[0]!.users} users of ${fmt(users)}, two ways, checked against JS`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'users', label: 'Users asked' },
          { key: 'equalToReference', label: 'Equal to JS reference' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows,
        chart: { type: 'bar', x: 'method', y: ['p50', 'p99'], title: 'Latency per suggestion list (ms)' },
      });
      ctx.record.compare({
        id: 'p50-zunion-vs-sintercard',
        title: 'p50 latency of one suggestion list',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'SINTERCARD per candidate', value: rows[0]!.p50 },
        candidate: { label: 'ZUNIONSTORE', value: rows[1]!.p50 },
      });
    } finally {
      await deleteRedisKeys(redis, ns);
      await redis.quit();
    }
  },
});
