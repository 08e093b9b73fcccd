import { Redis } from 'ioredis';
import { defineDemo, type EphemeralServer, round } from '../../../src/lab/index.ts';
import { type CrashResult, runCrashScenario } from './crashScenario.ts';
import {
  MODE_LABELS,
  PERSISTENCE_MODES,
  type PersistenceMode,
  startPersistenceServer,
} from './persistenceModes.ts';
import { measureRestart, type RestartResult } from './restartBenchmark.ts';
import { runRewriteScenario } from './rewriteScenario.ts';
import { runTruncatedTail } from './truncatedAof.ts';
import { compareThroughput } from './writeThroughput.ts';

const WRITERS = 4;
const RESTART_MODES: readonly PersistenceMode[] = ['rdb', 'aof-everysec', 'hybrid'];

export default defineDemo({
  async run(ctx) {
    const q = ctx.quick;
    const ns = `${ctx.namespace}:`;
    const servers: EphemeralServer[] = [];
    const start = async (mode: PersistenceMode, extraArgs: string[] = []) => {
      const server = await startPersistenceServer(mode, { signal: ctx.signal, extraArgs });
      servers.push(server);
      return server;
    };
    try {
      // ── 1. Crash and count: SIGKILL mid-stream, restart, count acknowledged writes that are missing ──
      const beforePerWriter = q ? 50 : 1_000;
      const killAfter = q ? 200 : 4_000;
      const crashes: CrashResult[] = [];
      for (const mode of PERSISTENCE_MODES) {
        ctx.signal.throwIfAborted();
        ctx.progress(`crash: ${MODE_LABELS[mode]}`);
        const server = await start(mode);
        crashes.push(
          await runCrashScenario({
            server,
            mode,
            keyPrefix: ns,
            writers: WRITERS,
            beforePerWriter,
            killAfter,
          }),
        );
      }
      ctx.log(`${WRITERS} connections append to their own list; SIGKILL mid-stream, restart, count:`);
      for (const c of crashes)
        ctx.log(
          `  ${MODE_LABELS[c.mode].padEnd(32)} acked ${String(c.acked).padStart(6)}   lost ${String(c.lost).padStart(6)}` +
            `   (${c.lostBefore} of ${c.ackedBefore} before the checkpoint, ${c.lostAfter} of ${c.ackedAfter} after)`,
        );
      ctx.record.table({
        id: 'crash',
        title: `Acknowledged writes lost to a SIGKILL of the Redis process (${WRITERS} concurrent writers)`,
        columns: [
          { key: 'mode', label: 'Persistence' },
          { key: 'ackedBefore', label: 'Acked before the checkpoint' },
          { key: 'ackedAfter', label: 'Acked after it, until the kill' },
          { key: 'lostBefore', label: 'Lost of those before' },
          { key: 'lostAfter', label: 'Lost of those after' },
          { key: 'lostPercent', label: 'Lost of all acked', unit: '%' },
        ],
        rows: crashes.map((c) => ({
          mode: MODE_LABELS[c.mode],
          ackedBefore: c.ackedBefore,
          ackedAfter: c.ackedAfter,
          lostBefore: c.lostBefore,
          lostAfter: c.lostAfter,
          lostPercent: round((100 * c.lost) / c.acked, 1),
        })),
        chart: { type: 'bar', x: 'mode', y: ['lostPercent'], title: 'Acknowledged writes lost (%)' },
      });
      const crashOf = (mode: PersistenceMode) => crashes.find((c) => c.mode === mode)!;
      ctx.record.figure('none-lost', 'No persistence: acked writes lost', crashOf('none').lost);
      ctx.record.figure('none-acked', 'No persistence: acked writes', crashOf('none').acked);
      ctx.record.figure('rdb-lost', 'RDB: acked writes lost', crashOf('rdb').lost);
      ctx.record.figure(
        'rdb-acked-after-snapshot',
        'RDB: acked after the snapshot',
        crashOf('rdb').ackedAfter,
      );
      ctx.record.figure(
        'rdb-lost-before-snapshot',
        'RDB: lost of those before the snapshot',
        crashOf('rdb').lostBefore,
      );
      ctx.record.figure('always-lost', 'AOF always: acked writes lost', crashOf('aof-always').lost);
      ctx.record.figure('everysec-lost', 'AOF everysec: acked writes lost', crashOf('aof-everysec').lost);
      ctx.record.figure('hybrid-lost', 'Hybrid: acked writes lost', crashOf('hybrid').lost);

      // everysec's edge: Redis may postpone its write(2) while a background fsync runs, and reply anyway.
      // Count it over repeated kills instead of assuming either way.
      const repeats = q ? 2 : 20;
      let killsWithLoss = 0;
      let lostInRepeats = 0;
      let ackedInRepeats = 0;
      for (let r = 0; r < repeats; r++) {
        ctx.signal.throwIfAborted();
        ctx.progress('everysec: repeated kills', r + 1, repeats);
        // A fresh server each time, so every restart replays a small AOF.
        const server = await startPersistenceServer('aof-everysec', { signal: ctx.signal });
        try {
          const c = await runCrashScenario({
            server,
            mode: 'aof-everysec',
            keyPrefix: ns,
            writers: WRITERS,
            beforePerWriter: 10,
            killAfter: q ? 200 : 2_000,
          });
          if (c.lost > 0) killsWithLoss++;
          lostInRepeats += c.lost;
          ackedInRepeats += c.acked;
        } finally {
          await server.dispose();
        }
      }
      ctx.log(
        `AOF everysec, ${repeats} more kills mid-stream: ${killsWithLoss} lost anything (${lostInRepeats} of ${ackedInRepeats} acked writes)`,
      );
      ctx.record.figure('everysec-kills', 'AOF everysec: repeated SIGKILLs mid-stream', repeats);
      ctx.record.figure(
        'everysec-kills-with-loss',
        'AOF everysec: kills that lost an acked write',
        killsWithLoss,
      );
      ctx.record.figure(
        'everysec-repeats-lost',
        'AOF everysec: acked writes lost over those kills',
        lostInRepeats,
      );

      // ── 2. Cost per write: the same workload on one server per mode, interleaved ─────────────────
      ctx.progress('write throughput');
      const tpServers = await Promise.all(PERSISTENCE_MODES.map((mode) => start(mode)));
      const clients = tpServers.map((s) => new Redis(s.url));
      let throughput: Awaited<ReturnType<typeof compareThroughput<PersistenceMode>>>;
      try {
        throughput = await compareThroughput(
          PERSISTENCE_MODES.map((mode, i) => ({ mode, redis: clients[i]! })),
          {
            keyPrefix: ns,
            sequentialWrites: q ? 100 : 500,
            pipelinedWrites: q ? 2_000 : 20_000,
            rounds: q ? 2 : 4,
          },
          ctx.signal,
        );
      } finally {
        for (const c of clients) c.disconnect();
      }
      ctx.log('');
      ctx.log('Writes per second (SET, 100-byte values, one connection):');
      for (const t of throughput)
        ctx.log(
          `  ${MODE_LABELS[t.mode].padEnd(32)} sequential ${String(Math.round(t.sequentialPerSecond)).padStart(7)}/s` +
            `   pipelined ×100 ${String(Math.round(t.pipelinedPerSecond)).padStart(8)}/s`,
        );
      ctx.record.table({
        id: 'throughput',
        title: 'Write throughput per persistence mode (SET, 100-byte values, one connection)',
        columns: [
          { key: 'mode', label: 'Persistence' },
          { key: 'sequential', label: 'One at a time', unit: 'writes/s' },
          { key: 'pipelined', label: 'Pipelined, batches of 100', unit: 'writes/s' },
        ],
        rows: throughput.map((t) => ({
          mode: MODE_LABELS[t.mode],
          sequential: Math.round(t.sequentialPerSecond),
          pipelined: Math.round(t.pipelinedPerSecond),
        })),
        chart: { type: 'bar', x: 'mode', y: ['sequential', 'pipelined'], title: 'Writes per second' },
      });
      const tp = (mode: PersistenceMode) => throughput.find((t) => t.mode === mode)!;
      const vsNone = (
        id: string,
        title: string,
        mode: PersistenceMode,
        key: 'sequentialPerSecond' | 'pipelinedPerSecond',
      ) =>
        ctx.record.compare({
          id,
          title,
          unit: 'writes/s',
          better: 'higher',
          baseline: { label: MODE_LABELS.none, value: Math.round(tp('none')[key]) },
          candidate: { label: MODE_LABELS[mode], value: Math.round(tp(mode)[key]) },
        });
      vsNone(
        'always-vs-none-sequential',
        'One write at a time: AOF always vs none',
        'aof-always',
        'sequentialPerSecond',
      );
      vsNone(
        'always-vs-none-pipelined',
        'Pipelined writes: AOF always vs none',
        'aof-always',
        'pipelinedPerSecond',
      );
      vsNone(
        'everysec-vs-none-sequential',
        'One write at a time: AOF everysec vs none',
        'aof-everysec',
        'sequentialPerSecond',
      );

      // ── 3. Restart time and file size for the same dataset ─────────────────────────────────────────
      const keys = q ? 10_000 : 200_000;
      const restarts: RestartResult[] = [];
      for (const mode of RESTART_MODES) {
        ctx.signal.throwIfAborted();
        ctx.progress(`restart with ${keys} keys: ${MODE_LABELS[mode]}`);
        restarts.push(await measureRestart(await start(mode), mode, { keyPrefix: `${ns}k:`, keys }));
      }
      ctx.log('');
      ctx.log(`Restart after SIGKILL with ${keys} keys:`);
      for (const r of restarts)
        ctx.log(
          `  ${MODE_LABELS[r.mode].padEnd(32)} ${(r.fileBytes / 1e6).toFixed(1).padStart(6)} MB   Redis load ${Math.round(r.loadMs)} ms` +
            `   start to ready ${Math.round(r.startToReadyMs)} ms   keys back ${r.keysAfterRestart}`,
        );
      ctx.record.table({
        id: 'restart',
        title: `Restart after SIGKILL with the same ${keys} keys`,
        columns: [
          { key: 'mode', label: 'Persistence' },
          { key: 'format', label: 'What is on disk' },
          { key: 'fileMB', label: 'Files', unit: 'MB' },
          { key: 'loadMs', label: 'Load time (Redis log)', unit: 'ms' },
          { key: 'startToReadyMs', label: 'Process start to ready (Redis log)', unit: 'ms' },
          { key: 'keysAfterRestart', label: 'Keys after restart' },
        ],
        rows: restarts.map((r) => ({
          mode: MODE_LABELS[r.mode],
          format: r.format,
          fileMB: round(r.fileBytes / 1e6, 2),
          loadMs: Math.round(r.loadMs),
          startToReadyMs: Math.round(r.startToReadyMs),
          keysAfterRestart: r.keysAfterRestart,
        })),
        chart: {
          type: 'bar',
          x: 'mode',
          y: ['loadMs', 'startToReadyMs'],
          title: 'Restart time (lower is better)',
        },
      });
      const restartOf = (mode: PersistenceMode) => restarts.find((r) => r.mode === mode)!;
      ctx.record.figure('restart-keys', 'Keys in the restart dataset', keys);
      ctx.record.compare({
        id: 'hybrid-vs-aof-load',
        title: 'Load time of the same dataset: hybrid vs AOF commands',
        unit: 'ms',
        better: 'lower',
        baseline: { label: MODE_LABELS['aof-everysec'], value: Math.round(restartOf('aof-everysec').loadMs) },
        candidate: { label: MODE_LABELS.hybrid, value: Math.round(restartOf('hybrid').loadMs) },
      });
      ctx.record.compare({
        id: 'rdb-vs-aof-size',
        title: 'Bytes on disk for the same dataset: RDB vs AOF commands',
        unit: 'bytes',
        better: 'lower',
        baseline: { label: MODE_LABELS['aof-everysec'], value: restartOf('aof-everysec').fileBytes },
        candidate: { label: MODE_LABELS.rdb, value: restartOf('rdb').fileBytes },
      });

      // ── 4. BGREWRITEAOF on a log of overwrites ─────────────────────────────────────────────────────
      ctx.progress('BGREWRITEAOF');
      const counters = q ? 500 : 5_000;
      const overwrites = q ? 40 : 50;
      const rw = await runRewriteScenario(await start('aof-everysec'), {
        keyPrefix: ns,
        keys: counters,
        overwritesPerKey: overwrites,
      });
      ctx.log('');
      ctx.log(
        `BGREWRITEAOF, ${counters} counters × ${overwrites} INCRs: AOF ${rw.before.totalBytes} → ${rw.after.totalBytes} bytes, ` +
          `data equal after a crash: ${rw.dataEqualAfterRestart}`,
      );
      ctx.record.figure('rewrite-before-bytes', 'AOF before BGREWRITEAOF', rw.before.totalBytes, 'bytes');
      ctx.record.figure('rewrite-after-bytes', 'AOF after BGREWRITEAOF', rw.after.totalBytes, 'bytes');
      ctx.record.figure(
        'rewrite-data-equal',
        'Data equal after the rewrite and a crash',
        rw.dataEqualAfterRestart,
      );
      ctx.record.figure('rewrite-writes', 'INCRs logged before the rewrite', counters * overwrites);
      ctx.record.compare({
        id: 'rewrite-shrink',
        title: `AOF size for ${counters} counters after ${overwrites} INCRs each`,
        unit: 'bytes',
        better: 'lower',
        baseline: { label: 'before BGREWRITEAOF', value: rw.before.totalBytes },
        candidate: { label: 'after BGREWRITEAOF', value: rw.after.totalBytes },
      });

      // ── 5. A torn last write: the AOF's tail cut while the server is down ─────────────────────────
      ctx.progress('truncated AOF tail');
      const tailWrites = 1_000;
      const tolerant = await runTruncatedTail(await start('aof-everysec'), {
        key: `${ns}tail`,
        writes: tailWrites,
        cutBytes: 3,
      });
      const strict = await runTruncatedTail(await start('aof-everysec', ['--aof-load-truncated', 'no']), {
        key: `${ns}tail`,
        writes: tailWrites,
        cutBytes: 3,
      });
      ctx.log('');
      ctx.log(`AOF with its last 3 bytes cut (${tailWrites} appends written):`);
      ctx.log(
        `  aof-load-truncated yes: started ${tolerant.started}, entries back ${tolerant.recovered} — "${tolerant.logLine}"`,
      );
      ctx.log(`  aof-load-truncated no:  started ${strict.started} — "${strict.logLine}"`);
      ctx.record.figure('truncated-written', 'Appends written before the tail was cut', tailWrites);
      ctx.record.figure(
        'truncated-recovered',
        'Entries back with aof-load-truncated yes',
        tolerant.recovered ?? 0,
      );
      ctx.record.figure(
        'truncated-strict-started',
        'Server started with aof-load-truncated no',
        strict.started,
      );

      ctx.record.note(
        'Every mode runs on its own redis-server in its own data dir, SIGKILLed (the process crash) and restarted on the same port with the same arguments. ' +
          'Nothing here simulates an OS crash or power loss, which is what appendfsync everysec vs always is about.',
      );
      ctx.record.note(
        'Checkpoint: for RDB a finished BGSAVE; for the AOF modes the moment INFO reported an empty AOF buffer; for no persistence nothing.',
      );
    } finally {
      await Promise.all(servers.map((s) => s.dispose()));
    }
  },
});
