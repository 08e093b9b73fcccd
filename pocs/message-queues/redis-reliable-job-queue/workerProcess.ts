// Entry point of a worker child process: `node workerProcess.ts '<WorkerOptions as JSON>'`.
// It prints "start <job>" / "done <job>" lines so the parent can kill it in the middle of a job.
import { runWorker, type WorkerOptions } from './worker.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as WorkerOptions;
await runWorker({ ...options, onEvent: (event, job) => process.stdout.write(`${event} ${job}\n`) });
