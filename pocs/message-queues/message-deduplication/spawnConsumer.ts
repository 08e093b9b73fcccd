import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type ChildMessage, CONFIG_ENV, type ConsumerProcessConfig } from './consumerProtocol.ts';
import type { ConsumerStats } from './DedupConsumer.ts';

const ENTRY = fileURLToPath(new URL('./consumerProcess.ts', import.meta.url));

export interface ConsumerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** The parent's handle on a consumer process: its latest stats, a way to stop it and a way to kill it. */
export class ConsumerChild {
  stats: ConsumerStats | null = null;
  readonly exited: Promise<ConsumerExit>;
  private readonly child: ChildProcess;
  private stopped: ((stats: ConsumerStats) => void) | null = null;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    child.on('message', (m: ChildMessage) => {
      if (m.type === 'stats' || m.type === 'stopped') this.stats = m.stats;
      if (m.type === 'stopped') this.stopped?.(m.stats);
    });
  }

  /** Starts `consumerProcess.ts` with the same Node binary and waits until it consumes. */
  static async start(config: ConsumerProcessConfig, timeoutMs = 15_000): Promise<ConsumerChild> {
    const child = fork(ENTRY, {
      // Plain Node (type stripping runs the .ts file): none of the test runner's loader flags.
      execArgv: [],
      env: { ...process.env, [CONFIG_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const handle = new ConsumerChild(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`consumer process not ready after ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.on('message', (m: ChildMessage) => {
        if (m.type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`consumer process exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
    return handle;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The crash: SIGKILL, no chance to ack, close or clean up. */
  async kill(): Promise<ConsumerExit> {
    this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Resolves when `predicate(stats)` holds, or rejects when the process exits first or time runs out. */
  async waitFor(predicate: (s: ConsumerStats) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    while (!(this.stats && predicate(this.stats))) {
      if (exited) throw new Error('consumer process exited while waiting');
      if (Date.now() > deadline)
        throw new Error(`consumer did not reach the condition within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Graceful stop: finish in-flight deliveries, close connections, exit. */
  async stop(timeoutMs = 10_000): Promise<ConsumerStats> {
    if (this.child.exitCode !== null || this.child.signalCode !== null)
      throw new Error('consumer process already exited');
    const stopped = new Promise<ConsumerStats>((resolve) => {
      this.stopped = resolve;
    });
    this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const stats = await Promise.race([stopped, this.exited.then(() => this.stats)]);
    await this.exited;
    clearTimeout(timer);
    if (!stats) throw new Error('consumer process exited without reporting stats');
    return stats;
  }
}
