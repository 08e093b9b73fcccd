import { type ChildProcess, spawn } from 'node:child_process';

export interface ConsumerProcessOptions {
  redisUrl: string;
  stream: string;
  group: string;
  consumer: string;
  ledgerKey: string;
  deadLetterKey: string;
  /** Time spent "working" on each entry before acknowledging it. */
  workMs: number;
  count?: number;
}

/** A group consumer running in a child process (`consumerMain.ts`), killable for real. */
export class ConsumerProcess {
  readonly handled: string[] = [];
  private readonly child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.child = child;
    child.on('message', (m: { handling?: string }) => {
      if (m.handling) this.handled.push(m.handling);
    });
  }

  static async start(options: ConsumerProcessOptions, timeoutMs = 10_000): Promise<ConsumerProcess> {
    const child = spawn(process.execPath, [new URL('./consumerMain.ts', import.meta.url).pathname], {
      env: {
        ...process.env,
        REDIS_URL: options.redisUrl,
        STREAM: options.stream,
        GROUP: options.group,
        CONSUMER: options.consumer,
        LEDGER: options.ledgerKey,
        DLQ: options.deadLetterKey,
        WORK_MS: String(options.workMs),
        COUNT: String(options.count ?? 10),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const consumer = new ConsumerProcess(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumer ${options.consumer} did not start in ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.on('message', (m: { ready?: boolean }) => {
        if (m.ready) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) =>
        reject(new Error(`consumer ${options.consumer} exited during start-up (code ${code})`)),
      );
    });
    return consumer;
  }

  /** Resolves once the consumer has started handling at least `n` entries. */
  async handledAtLeast(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.handled.length < n) {
      if (Date.now() > deadline)
        throw new Error(`consumer handled ${this.handled.length} entries, expected ${n}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** SIGKILL: the process dies mid-work, its unacknowledged entries stay pending under its name. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGKILL');
    await exited;
  }
}
