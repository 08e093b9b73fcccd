import { defineDemo, runLoad } from '../../../src/lab/index.ts';
import { {{className}} } from './{{className}}.ts';

export default defineDemo({
  async run(ctx) {
    const subject = new {{className}}();
    const load = await runLoad(() => subject.work(), { concurrency: 4, durationMs: ctx.quick ? 200 : 2000, signal: ctx.signal });
    ctx.log(`${load.ops} operations, p99 ${load.latency.p99} ms`);
    ctx.record.table({
      id: 'main',
      title: 'TODO: what was measured',
      columns: [
        { key: 'opsPerSec', label: 'Throughput', unit: 'ops/s' },
        { key: 'p99', label: 'p99', unit: 'ms' },
      ],
      rows: [{ opsPerSec: Math.round(load.opsPerSec), p99: load.latency.p99 }],
    });
  },
});
