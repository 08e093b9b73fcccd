import { Redis } from 'ioredis';
import { GroupWorker } from './GroupWorker.ts';

// A consumer in its own process, so a test or the demo can SIGKILL it mid-work: no finally block, no
// XACK, no goodbye. It reports each entry it starts handling to the parent over IPC.
const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`consumerMain needs ${name} in its environment`);
  return value;
};
const redis = new Redis(env('REDIS_URL'));
const workMs = Number(env('WORK_MS'));
const worker = new GroupWorker(redis, {
  stream: env('STREAM'),
  group: env('GROUP'),
  consumer: env('CONSUMER'),
  ledgerKey: env('LEDGER'),
  deadLetterKey: env('DLQ'),
  minIdleMs: 60_000,
  maxDeliveries: 5,
  count: Number(process.env.COUNT ?? 10),
  handler: async (entry) => {
    process.send?.({ handling: entry.id });
    await new Promise((r) => setTimeout(r, workMs));
  },
});
const controller = new AbortController();
process.on('disconnect', () => controller.abort());
process.send?.({ ready: true });
await worker.run(controller.signal, { reclaim: false });
await redis.quit();
