import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import type { LabServerStats } from './labServer.ts';

export interface LabServerProcessOptions {
  /** libuv thread-pool size of the child (its UV_THREADPOOL_SIZE); Node's default is 4. */
  threadpoolSize?: number;
  cpuWorkers?: number;
  hashConcurrency?: number;
  /** pbkdf2 iterations per `/hash` call; calibrate once in the parent so every server does the same work. */
  hashIterations?: number;
  startTimeoutMs?: number;
}

/**
 * The lab server in its own Node process, so each run can have its own UV_THREADPOOL_SIZE (libuv reads
 * it once per process) and so the load generator's own event loop is not the one being measured.
 */
export class LabServerProcess {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 64 });

  private readonly child: ChildProcess;
  readonly port: number;
  readonly threadpoolSize: number;

  private constructor(child: ChildProcess, port: number, threadpoolSize: number) {
    this.child = child;
    this.port = port;
    this.threadpoolSize = threadpoolSize;
  }

  static async start(options: LabServerProcessOptions = {}): Promise<LabServerProcess> {
    const threadpoolSize = options.threadpoolSize ?? 4;
    const child = spawn(process.execPath, [new URL('./serverMain.ts', import.meta.url).pathname], {
      env: {
        ...process.env,
        UV_THREADPOOL_SIZE: String(threadpoolSize),
        LAB_CPU_WORKERS: String(options.cpuWorkers ?? 0),
        LAB_HASH_CONCURRENCY: String(options.hashConcurrency ?? 0),
        LAB_HASH_ITERATIONS: String(options.hashIterations ?? 10_000),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`lab server did not start within ${timeoutMs} ms: is the machine overloaded?`));
      }, timeoutMs);
      child.once('message', (msg: { port: number }) => {
        clearTimeout(timer);
        resolve(msg.port);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`lab server exited during start-up (code ${code}); see its stderr above`));
      });
    });
    return new LabServerProcess(child, port, threadpoolSize);
  }

  /** GET a path; resolves with the parsed JSON body and the round-trip time seen by the client. */
  get<T = unknown>(path: string, timeoutMs = 10_000): Promise<{ body: T; ms: number }> {
    const start = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: this.port, path, agent: this.agent, timeout: timeoutMs },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (chunk) => {
            data += chunk;
          });
          res.on('end', () => {
            if (res.statusCode !== 200) return reject(new Error(`GET ${path}: ${res.statusCode} ${data}`));
            resolve({ body: JSON.parse(data) as T, ms: performance.now() - start });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end();
    });
  }

  async stats(reset = false): Promise<LabServerStats> {
    return (await this.get<LabServerStats>(reset ? '/stats?reset=1' : '/stats')).body;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(timer);
  }
}
