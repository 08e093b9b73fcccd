import { createLabServer } from './labServer.ts';

// Child-process entry point. UV_THREADPOOL_SIZE is read once, when libuv first uses its pool, so every
// pool size the demo compares needs its own process; LabServerProcess starts this file with it set.
const lab = createLabServer({
  cpuWorkers: Number(process.env.LAB_CPU_WORKERS ?? 0),
  hashConcurrency: Number(process.env.LAB_HASH_CONCURRENCY ?? 0),
  hashIterations: Number(process.env.LAB_HASH_ITERATIONS ?? 10_000),
});

lab.server.listen(0, '127.0.0.1', () => {
  const address = lab.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send?.({ port });
});

// The parent owns this process: when it goes away (or says so), close and exit.
const shutdown = () => {
  void lab.close().finally(() => process.exit(0));
};
process.on('disconnect', shutdown);
process.on('SIGTERM', shutdown);
