import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findBinary } from './findBinary.ts';
import { freePort, waitForPort } from './freePort.ts';
import type { LaunchContext, ServiceDefinition } from './ServiceDefinition.ts';

/** Every live server of this process, so exit paths can take them down. */
const live = new Set<EphemeralServer>();

/**
 * One real server process started by the lab on a free port in its own temp dir.
 *
 * It dies with its owner, whatever way the owner goes:
 * - `stop()`/`dispose()` on the normal path;
 * - a synchronous kill on `process.on('exit')` (uncaught error, `process.exit`);
 * - a detached reaper shell that polls the owner's pid and kills the server's process group and
 *   removes the temp dir once the owner is gone — this covers SIGKILL and a killed test worker,
 *   where no JavaScript runs at all.
 */
export class EphemeralServer {
  readonly definition: ServiceDefinition;
  readonly port: number;
  readonly dir: string;
  readonly url: string;
  private child: ChildProcess;
  private reaper: ChildProcess | null;
  private exited = false;
  private stderrTail = '';
  private readonly launch: () => ChildProcess;
  /** The server's own version, as its readiness probe reported it. */
  version = 'unknown';

  private constructor(input: {
    definition: ServiceDefinition;
    port: number;
    dir: string;
    launch: () => ChildProcess;
  }) {
    this.definition = input.definition;
    this.port = input.port;
    this.dir = input.dir;
    this.url = input.definition.urlFor(input.port);
    this.launch = input.launch;
    this.child = this.spawnChild();
    this.reaper = startReaper(this.child.pid!, this.dir);
  }

  /** The server's pid (changes after `restart()`). */
  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return !this.exited;
  }

  /** Why a server cannot be started here, or null when it can. */
  static unavailableReason(definition: ServiceDefinition): string | null {
    const located = locate(definition);
    return 'reason' in located ? located.reason : null;
  }

  static async start(
    definition: ServiceDefinition,
    options: { signal?: AbortSignal } = {},
  ): Promise<EphemeralServer> {
    const located = locate(definition);
    if ('reason' in located) throw new Error(`cannot start ${definition.title}: ${located.reason}`);
    const { bin } = located;
    const dir = mkdtempSync(path.join(os.tmpdir(), `sdlab-${definition.name}-`));
    const runAs =
      definition.runAsUser && process.getuid?.() === 0 ? lookupUser(definition.runAsUser) : undefined;
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    const port = await freePort();
    const ctx: LaunchContext = { port, dir, bin, runAs, signal: options.signal };

    let server: EphemeralServer | undefined;
    try {
      await definition.prepare?.(ctx);
      options.signal?.throwIfAborted();
      const plan = definition.launch(ctx);
      const launch = () =>
        spawn(plan.command, plan.args, {
          cwd: dir,
          env: { ...process.env, ...plan.env },
          // Own process group: Ctrl-C in the terminal reaches the lab, which then stops the server in order;
          // the reaper can kill the whole group (PostgreSQL forks one process per connection).
          detached: true,
          stdio: ['ignore', 'ignore', 'pipe'],
          uid: runAs?.uid,
          gid: runAs?.gid,
        });
      server = new EphemeralServer({ definition, port, dir, launch });
      live.add(server);
      await server.waitUntilReady(options.signal);
      return server;
    } catch (error) {
      if (server) await server.dispose();
      else rmSync(dir, { recursive: true, force: true });
      if (runAs && /permission denied/i.test(String(error))) {
        throw new Error(
          `${definition.title} runs as the ${runAs.name} user, who cannot reach ${dir}: make the temp dir (${os.tmpdir()}) world-traversable or set TMPDIR to one that is`,
        );
      }
      throw error;
    }
  }

  /** Starts `count` independent instances (replication and cluster POCs wire them together). */
  static async startMany(
    definition: ServiceDefinition,
    count: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<EphemeralServer[]> {
    const servers: EphemeralServer[] = [];
    try {
      for (let i = 0; i < count; i++) servers.push(await EphemeralServer.start(definition, options));
      return servers;
    } catch (error) {
      await Promise.all(servers.map((s) => s.dispose()));
      throw error;
    }
  }

  private spawnChild(): ChildProcess {
    const child = this.launch();
    this.exited = false;
    this.stderrTail = '';
    // The last words of a server that fails to start are the best error message we can give.
    child.stderr?.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-2000);
    });
    child.once('exit', () => {
      this.exited = true;
    });
    child.once('error', () => {
      this.exited = true;
    });
    return child;
  }

  private async waitUntilReady(signal?: AbortSignal): Promise<void> {
    const timeoutMs = this.definition.startTimeoutMs ?? 30_000;
    const deadline = Date.now() + timeoutMs;
    try {
      await waitForPort(this.port, timeoutMs, () => !this.exited);
      // Listening is not ready: PostgreSQL accepts connections before it finishes recovery.
      for (;;) {
        signal?.throwIfAborted();
        try {
          this.version = await this.definition.probe(this.url, 2000);
          return;
        } catch (error) {
          if (Date.now() > deadline || this.exited) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } catch (error) {
      const tail = this.stderrTail.trim();
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        `${this.definition.title} did not start: ${message}${tail ? ` — server said: ${tail}` : ''}`,
      );
    }
  }

  /** Freezes the server (SIGSTOP): connections stay open but nothing answers — a GC pause or a hung host. */
  pause(): void {
    this.signalGroup('SIGSTOP');
  }

  /** Thaws a paused server (SIGCONT). */
  resume(): void {
    this.signalGroup('SIGCONT');
  }

  /** Crashes the server (SIGKILL) but keeps its data dir, so `restart()` brings the same data back. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.signalGroup('SIGKILL');
    await exited;
  }

  /** Graceful shutdown (SIGTERM, then SIGKILL after `graceMs`); keeps the data dir. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.signalGroup('SIGCONT'); // a paused server cannot handle SIGTERM
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** Starts the stopped or killed server again on the same port with the same data. */
  async restart(signal?: AbortSignal): Promise<void> {
    if (!this.exited) await this.stop();
    this.reaper?.kill('SIGKILL');
    this.child = this.spawnChild();
    this.reaper = startReaper(this.child.pid!, this.dir);
    await this.waitUntilReady(signal);
  }

  /** Stops the server and deletes its temp dir. Safe to call twice. */
  async dispose(): Promise<void> {
    await this.stop(2000).catch(() => this.signalGroup('SIGKILL'));
    this.reaper?.kill('SIGKILL');
    this.reaper = null;
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  /** Last-resort synchronous teardown for `process.on('exit')`. */
  killSync(): void {
    this.signalGroup('SIGCONT');
    this.signalGroup('SIGKILL');
    this.reaper?.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    live.delete(this);
  }

  private signalGroup(sig: NodeJS.Signals): void {
    if (this.exited || !this.child.pid) return;
    try {
      process.kill(-this.child.pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Disposes every server this process started (used by the CLI's SIGINT handler and test teardown). */
export async function disposeAllServers(): Promise<void> {
  await Promise.all([...live].map((s) => s.dispose()));
}

process.once('exit', () => {
  for (const server of live) server.killSync();
});

/**
 * A detached shell that outlives us by design: once our pid is gone it kills the server's process
 * group and removes the temp dir. POSIX sh only, so it needs nothing installed.
 */
function startReaper(serverPid: number, dir: string): ChildProcess {
  const script = [
    'owner=$1; group=$2; dir=$3',
    'while kill -0 "$owner" 2>/dev/null; do sleep 0.2; done',
    'kill -CONT -"$group" 2>/dev/null; kill -KILL -"$group" 2>/dev/null',
    // The server may take a moment to die; its files can be removed meanwhile but retry once.
    'rm -rf "$dir"; sleep 0.3; rm -rf "$dir"',
  ].join('\n');
  const reaper = spawn(
    '/bin/sh',
    ['-c', script, 'sdlab-reaper', String(process.pid), String(serverPid), dir],
    {
      detached: true,
      stdio: 'ignore',
    },
  );
  reaper.unref();
  return reaper;
}

function lookupUser(name: string): { uid: number; gid: number; name: string } {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid, name };
  } catch {
    throw new Error(
      `the server must not run as root and there is no "${name}" user; create one (useradd ${name}) or run as a normal user`,
    );
  }
}

/** The binaries a definition needs, found on this machine, or why it cannot be started here. */
function locate(definition: ServiceDefinition): { bin: Record<string, string> } | { reason: string } {
  if (definition.ephemeralUnsupported) return { reason: definition.ephemeralUnsupported };
  if (process.env.SDLAB_NO_EPHEMERAL === '1')
    return { reason: 'SDLAB_NO_EPHEMERAL=1 forbids starting servers' };
  const dirs = definition.binaryDirs?.() ?? [];
  const found = definition.binaries.map((name) => [name, findBinary(name, dirs)] as const);
  const missing = found.filter(([, at]) => at === null).map(([name]) => name);
  if (missing.length) return { reason: `${missing.join(', ')} not installed` };
  return { bin: Object.fromEntries(found) as Record<string, string> };
}
