import { Redis } from 'ioredis';
import {
  defineDemo,
  deleteRedisKeys,
  EphemeralServer,
  type LoadResult,
  round,
  runLoad,
  SERVICES,
} from '../../../src/lab/index.ts';
import { CachedScript } from './cachedScript.ts';
import { FunctionLibrary } from './FunctionLibrary.ts';
import { BOUNDED_INCR_LUA, callVariants, LIBRARY_FILE } from './variants.ts';

const CONCURRENCY = 16;
const COMMAND_OF: Record<string, string> = { EVAL: 'eval', EVALSHA: 'evalsha', FCALL: 'fcall' };

export default defineDemo({
  async run(ctx) {
    // SCRIPT FLUSH and clean per-command statistics need a Redis nobody else uses: start one.
    const reason = EphemeralServer.unavailableReason(SERVICES.redis);
    const server =
      reason === null ? await EphemeralServer.start(SERVICES.redis, { signal: ctx.signal }) : null;
    const url = server?.url ?? ctx.service('redis').url;
    const ns = ctx.namespace;
    const redis = new Redis(url);
    const admin = new Redis(url);
    let library: FunctionLibrary | undefined;
    try {
      library = await FunctionLibrary.load(admin, LIBRARY_FILE, ns);

      // ── 1. What survives SCRIPT FLUSH ───────────────────────────────────────────────────────
      if (server) {
        ctx.progress('SCRIPT FLUSH');
        const key = `${ns}:flush`;
        const sha = (await redis.script('LOAD', BOUNDED_INCR_LUA)) as string;
        const hand = new CachedScript(BOUNDED_INCR_LUA, 1);
        redis.defineCommand('boundedIncr', { numberOfKeys: 1, lua: BOUNDED_INCR_LUA });
        const withCommand = redis as Redis & {
          boundedIncr(k: string, step: number, max: number): Promise<number>;
        };
        const lib = library;
        const ways = [
          { way: 'EVALSHA alone', call: () => redis.evalsha(sha, 1, key, 1, 1e9) },
          { way: 'EVALSHA + hand-written NOSCRIPT fallback', call: () => hand.run(redis, [key], [1, 1e9]) },
          { way: 'ioredis defineCommand', call: () => withCommand.boundedIncr(key, 1, 1e9) },
          { way: 'FCALL (function library)', call: () => lib.fcall('bounded_incr', [key], [1, 1e9]) },
        ];
        const outcome = (p: Promise<unknown>) =>
          p.then(
            () => 'works',
            (e: Error) => e.message.split(' ')[0] ?? 'error',
          );
        const before: string[] = [];
        for (const w of ways) before.push(await outcome(w.call()));
        await admin.script('FLUSH');
        const after: string[] = [];
        for (const w of ways) after.push(await outcome(w.call()));
        const rows = ways.map((w, i) => ({ way: w.way, beforeFlush: before[i]!, afterFlush: after[i]! }));
        ctx.log('After SCRIPT FLUSH:');
        for (const r of rows)
          ctx.log(`  ${r.way.padEnd(42)} before: ${r.beforeFlush.padEnd(8)} after: ${r.afterFlush}`);
        ctx.record.table({
          id: 'after-flush',
          title: 'The same script called four ways, before and after SCRIPT FLUSH',
          columns: [
            { key: 'way', label: 'How it is called' },
            { key: 'beforeFlush', label: 'Before SCRIPT FLUSH' },
            { key: 'afterFlush', label: 'After SCRIPT FLUSH' },
          ],
          rows,
        });
        ctx.record.figure('evalsha-after-flush', 'EVALSHA alone after SCRIPT FLUSH', after[0]!);
        ctx.record.figure('fcall-after-flush', 'FCALL after SCRIPT FLUSH', after[3]!);
      } else {
        ctx.record.note(`SCRIPT FLUSH part skipped: no ephemeral Redis could be started here (${reason}).`);
      }

      // ── 2. Bytes, throughput and server time per call ───────────────────────────────────────
      ctx.signal.throwIfAborted();
      const variants = callVariants(redis, library);
      const rounds = ctx.quick ? 1 : 3;
      const durationMs = ctx.quick ? 250 : 1_000;
      const runs = variants.map(() => [] as LoadResult[]);
      const server_ = variants.map(() => ({ calls: 0, usec: 0 }));
      let done = 0;
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < variants.length; k++) {
          const index = (k + r) % variants.length; // rotate the order so noise hits all alike
          const variant = variants[index]!;
          const command = COMMAND_OF[variant.name.split(' ')[0]!]!;
          ctx.progress(`benchmark: ${variant.name}`, done++, rounds * variants.length);
          const statsBefore = await commandStats(admin, command);
          const result = await runLoad((i) => variant.call(`${ns}:bench:${i % 100}`), {
            concurrency: CONCURRENCY,
            durationMs,
            warmupOps: 100,
            signal: ctx.signal,
          });
          const statsAfter = await commandStats(admin, command);
          if (result.errors > 0) throw new Error(`${variant.name} failed: ${result.errorSamples.join('; ')}`);
          runs[index]!.push(result);
          server_[index]!.calls += statsAfter.calls - statsBefore.calls;
          server_[index]!.usec += statsAfter.usec - statsBefore.usec;
        }
      }
      const rows = variants.map((v, i) => {
        const ops = runs[i]!.reduce((s, x) => s + x.ops, 0);
        const ms = runs[i]!.reduce((s, x) => s + x.elapsedMs, 0);
        return {
          variant: v.name,
          bytesPerCall: v.bytesPerCall(`${ns}:bench:42`),
          opsPerSec: round(ops / (ms / 1000), 0),
          serverUsPerCall: round(server_[i]!.usec / Math.max(1, server_[i]!.calls), 2),
        };
      });
      ctx.log('');
      ctx.log(
        `Same bounded increment, ${CONCURRENCY} concurrent callers on one connection, ${rounds} round(s) of ${durationMs} ms:`,
      );
      for (const r of rows) {
        ctx.log(
          `  ${r.variant.padEnd(32)} ${String(r.bytesPerCall).padStart(5)} B/call  ${r.opsPerSec.toLocaleString('en-US').padStart(7)} ops/s  Redis ${r.serverUsPerCall} µs/call`,
        );
      }
      ctx.record.table({
        id: 'cost-per-call',
        title: `EVAL vs EVALSHA vs FCALL: the same script, ${CONCURRENCY} concurrent callers on one connection`,
        columns: [
          { key: 'variant', label: 'Call' },
          { key: 'bytesPerCall', label: 'Bytes sent per call', unit: 'B' },
          { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
          { key: 'serverUsPerCall', label: 'Redis time per call', unit: 'µs' },
        ],
        rows,
        chart: { type: 'bar', x: 'variant', y: ['opsPerSec'], title: 'Throughput (higher is better)' },
      });
      ctx.record.table({
        id: 'bytes-per-call',
        title: 'Bytes each call puts on the wire (RESP), for a script of under 1 KB',
        columns: [
          { key: 'variant', label: 'Call' },
          { key: 'bytesPerCall', label: 'Bytes per call', unit: 'B' },
        ],
        rows: rows.map(({ variant, bytesPerCall }) => ({ variant, bytesPerCall })),
        chart: { type: 'bar', x: 'variant', y: ['bytesPerCall'], title: 'Bytes per call (lower is better)' },
      });
      const [evalRow, evalshaRow, fcallRow] = rows;
      ctx.record.compare({
        id: 'bytes-evalsha-vs-eval',
        title: 'Bytes sent per call',
        unit: 'B',
        better: 'lower',
        baseline: { label: evalRow!.variant, value: evalRow!.bytesPerCall },
        candidate: { label: evalshaRow!.variant, value: evalshaRow!.bytesPerCall },
      });
      ctx.record.compare({
        id: 'ops-evalsha-vs-eval',
        title: 'Throughput',
        unit: 'ops/s',
        better: 'higher',
        baseline: { label: evalRow!.variant, value: evalRow!.opsPerSec },
        candidate: { label: evalshaRow!.variant, value: evalshaRow!.opsPerSec },
      });
      ctx.record.compare({
        id: 'ops-fcall-vs-evalsha',
        title: 'Throughput',
        unit: 'ops/s',
        better: 'higher',
        baseline: { label: evalshaRow!.variant, value: evalshaRow!.opsPerSec },
        candidate: { label: fcallRow!.variant, value: fcallRow!.opsPerSec },
      });
      ctx.record.note(
        server
          ? 'Measured on an ephemeral Redis started for this run, so INFO commandstats counts only these calls.'
          : 'Measured on the shared Redis: Redis time per call includes any other client’s EVAL/EVALSHA/FCALL.',
      );
    } finally {
      await library?.delete().catch(() => {});
      await deleteRedisKeys(admin, ns).catch(() => {});
      await Promise.all([
        redis.quit().catch(() => redis.disconnect()),
        admin.quit().catch(() => admin.disconnect()),
      ]);
      await server?.dispose();
    }
  },
});

/** Redis's own count of calls of one command and the microseconds spent executing them. */
async function commandStats(redis: Redis, command: string): Promise<{ calls: number; usec: number }> {
  const match = new RegExp(`^cmdstat_${command}:calls=(\\d+),usec=(\\d+)`, 'm').exec(
    await redis.info('commandstats'),
  );
  return { calls: Number(match?.[1] ?? 0), usec: Number(match?.[2] ?? 0) };
}
