import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, FaultProxy, round } from '../../../src/lab/index.ts';
import { concurrent, luaBatch, pipelined, sequential, transaction, type WriteMode } from './writeModes.ts';

/** One-way delay the proxy adds, each direction: a round trip grows by at least twice this. */
const LATENCIES_MS = [0, 1, 5] as const;
/** Timed runs per mode and latency; the median is reported. */
const REPEATS = 3;

interface Mode {
  id: string;
  label: string;
  run: WriteMode;
  /** Use the client with enableAutoPipelining. */
  auto?: boolean;
}

const MODES: Mode[] = [
  { id: 'sequential', label: 'Sequential (await each)', run: sequential },
  { id: 'pipe10', label: 'Pipeline, batches of 10', run: pipelined(10) },
  { id: 'pipe100', label: 'Pipeline, batches of 100', run: pipelined(100) },
  { id: 'pipe1000', label: 'Pipeline, batches of 1000', run: pipelined(1000) },
  { id: 'multi100', label: 'MULTI/EXEC, batches of 100', run: transaction(100) },
  { id: 'lua100', label: 'Lua script, 100 SETs per call', run: luaBatch(100) },
  { id: 'conc100', label: '100 concurrent callers', run: concurrent(100) },
  { id: 'auto100', label: '100 concurrent callers, enableAutoPipelining', run: concurrent(100), auto: true },
];

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const ns = ctx.namespace;
    const target = new URL(url);
    const proxy = await FaultProxy.start({
      target: { host: target.hostname, port: Number(target.port) || 6379 },
    });
    const plain = new Redis(proxy.proxiedUrl(url));
    const auto = new Redis(proxy.proxiedUrl(url), { enableAutoPipelining: true });
    const admin = new Redis(url);
    const commands = ctx.quick ? 300 : 1_000;
    const keys = Array.from({ length: commands }, (_, i) => `${ns}:k:${i}`);
    const values = keys.map((_, i) => `value-${i}`);
    try {
      const opsPerSec: Record<string, Record<number, number>> = {};
      const rtt: Record<number, number> = {};
      for (const latencyMs of LATENCIES_MS) {
        proxy.set({ latencyMs });
        rtt[latencyMs] = await medianPingMs(plain, 21);
        // Sequential pays one round trip per command: time it over fewer commands at high
        // latency (its rate does not depend on how many) so the run stays short.
        const sequentialCount =
          latencyMs === 0 ? commands : Math.min(commands, ctx.quick ? 30 : latencyMs === 1 ? 300 : 100);
        for (const mode of MODES) {
          ctx.signal.throwIfAborted();
          ctx.progress(`${latencyMs} ms: ${mode.label}`);
          const n = mode.id === 'sequential' ? sequentialCount : commands;
          const client = mode.auto ? auto : plain;
          await mode.run(client, keys.slice(0, 10), values.slice(0, 10)); // warm the connection and script
          // The median of a few timed runs: one run on a shared machine can catch a GC pause or a
          // neighbour's burst. Sequential at added latency is bound by the round trip: once is enough.
          const repeats = ctx.quick || (mode.id === 'sequential' && latencyMs > 0) ? 1 : REPEATS;
          const rates: number[] = [];
          for (let r = 0; r < repeats; r++) {
            const start = performance.now();
            await mode.run(client, keys.slice(0, n), values.slice(0, n));
            rates.push(n / ((performance.now() - start) / 1000));
          }
          rates.sort((a, b) => a - b);
          opsPerSec[mode.id] ??= {};
          opsPerSec[mode.id]![latencyMs] = Math.round(rates[Math.floor(rates.length / 2)]!);
        }
      }
      // Every mode really wrote every key.
      const written = await admin.mget(...keys);
      if (written.some((v, i) => v !== values[i])) throw new Error('a write mode lost or reordered writes');

      const speedup = (id: string, latencyMs: number) =>
        round(opsPerSec[id]![latencyMs]! / opsPerSec.sequential![latencyMs]!, 1);
      ctx.log(
        `${commands} SETs through a latency proxy; measured round trip (PING p50): ${LATENCIES_MS.map((l) => `+${l} ms → ${rtt[l]} ms`).join(', ')}`,
      );
      ctx.log('');
      ctx.log(
        `${'Mode'.padEnd(46)} ${LATENCIES_MS.map((l) => `+${l} ms ops/s`.padStart(16)).join('')}  speedup at +5 ms`,
      );
      for (const mode of MODES) {
        ctx.log(
          `${mode.label.padEnd(46)} ${LATENCIES_MS.map((l) => opsPerSec[mode.id]![l]!.toLocaleString('en-US').padStart(16)).join('')}  ${speedup(mode.id, 5)}x`,
        );
      }

      ctx.record.table({
        id: 'throughput-by-latency',
        title: `Writing ${commands} keys through a proxy that adds 0, 1 or 5 ms each way`,
        columns: [
          { key: 'mode', label: 'How the commands are sent' },
          ...LATENCIES_MS.map((l) => ({ key: `ops${l}`, label: `+${l} ms each way`, unit: 'ops/s' })),
          ...LATENCIES_MS.map((l) => ({
            key: `speedup${l}`,
            label: `Speedup vs sequential, +${l} ms`,
            unit: '×',
          })),
        ],
        rows: MODES.map((mode) => ({
          mode: mode.label,
          ...Object.fromEntries(LATENCIES_MS.map((l) => [`ops${l}`, opsPerSec[mode.id]![l]!])),
          ...Object.fromEntries(LATENCIES_MS.map((l) => [`speedup${l}`, speedup(mode.id, l)])),
        })),
        chart: {
          type: 'bar',
          x: 'mode',
          y: LATENCIES_MS.map((l) => `ops${l}`),
          title: 'Throughput by added latency (higher is better)',
        },
      });
      ctx.record.table({
        id: 'speedup-by-rtt',
        title: 'Speedup over sequential as the round trip grows',
        columns: [
          { key: 'rttMs', label: 'Measured round trip (PING p50)', unit: 'ms' },
          { key: 'pipe10', label: 'Pipeline of 10', unit: '×' },
          { key: 'pipe100', label: 'Pipeline of 100', unit: '×' },
          { key: 'pipe1000', label: 'Pipeline of 1000', unit: '×' },
          { key: 'lua100', label: 'Lua, 100 per call', unit: '×' },
        ],
        rows: LATENCIES_MS.map((l) => ({
          rttMs: rtt[l]!,
          pipe10: speedup('pipe10', l),
          pipe100: speedup('pipe100', l),
          pipe1000: speedup('pipe1000', l),
          lua100: speedup('lua100', l),
        })),
        chart: {
          type: 'line',
          x: 'rttMs',
          y: ['pipe10', 'pipe100', 'pipe1000', 'lua100'],
          title: 'Speedup vs round-trip time',
        },
      });
      for (const l of LATENCIES_MS) {
        ctx.record.figure(
          `rtt-${l}ms`,
          `Measured round trip with +${l} ms each way (PING p50)`,
          rtt[l]!,
          'ms',
        );
        ctx.record.figure(
          `speedup-pipe100-${l}ms`,
          `Pipeline of 100 vs sequential, +${l} ms each way`,
          speedup('pipe100', l),
          '×',
        );
      }
      for (const l of [0, 5] as const) {
        ctx.record.compare({
          id: `pipe100-vs-sequential-${l}ms`,
          title: `Throughput with +${l} ms each way`,
          unit: 'ops/s',
          better: 'higher',
          baseline: { label: 'Sequential (await each)', value: opsPerSec.sequential![l]! },
          candidate: { label: 'Pipeline, batches of 100', value: opsPerSec.pipe100![l]! },
        });
      }
      ctx.record.note(
        'Latency is added by an in-process TCP proxy (FaultProxy) per chunk and direction, on top of loopback; Node timers ' +
          'fire late by up to about a millisecond, so the measured round trip is the column to read. At +1 and +5 ms the ' +
          'sequential mode is timed over fewer commands than the others, once (its rate does not depend on the count); every ' +
          `other figure is the median of ${REPEATS} timed runs.`,
      );
    } finally {
      proxy.clear(); // let QUIT replies through undelayed before the proxy closes
      await deleteRedisKeys(admin, ns).catch(() => {});
      await Promise.all([plain, auto, admin].map((c) => c.quit().catch(() => c.disconnect())));
      await proxy.close();
    }
  },
});

async function medianPingMs(redis: Redis, count: number): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await redis.ping();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return round(samples[Math.floor(samples.length / 2)]!, 2);
}
