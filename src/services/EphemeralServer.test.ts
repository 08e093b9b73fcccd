import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../paths.ts';
import { EphemeralServer } from './EphemeralServer.ts';
import { SERVICES } from './registry.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return condition();
}

describe('EphemeralServer', () => {
  const started: EphemeralServer[] = [];
  afterAll(async () => {
    await Promise.all(started.map((s) => s.dispose()));
  });

  it('starts N independent instances on their own ports and dirs', async () => {
    const servers = await EphemeralServer.startMany(SERVICES.redis, 3);
    started.push(...servers);
    expect(new Set(servers.map((s) => s.port)).size).toBe(3);
    expect(new Set(servers.map((s) => s.dir)).size).toBe(3);
    for (const [i, s] of servers.entries()) {
      const c = new Redis(s.url);
      await c.set('who', String(i));
      c.disconnect();
    }
    const c = new Redis(servers[1]!.url);
    expect(await c.get('who')).toBe('1');
    c.disconnect();
  });

  it('pauses (SIGSTOP) so clients time out, and resumes', async () => {
    const server = await EphemeralServer.start(SERVICES.redis);
    started.push(server);
    const c = new Redis(server.url, { commandTimeout: 300, maxRetriesPerRequest: 0 });
    c.on('error', () => {});
    await c.ping();
    server.pause();
    await expect(c.ping()).rejects.toThrow(/timed out/i);
    server.resume();
    expect(await c.ping()).toBe('PONG');
    c.disconnect();
  });

  it('kills (SIGKILL) and restarts on the same port', async () => {
    const server = await EphemeralServer.start(SERVICES.redis);
    started.push(server);
    const firstPid = server.pid;
    await server.kill();
    expect(server.running).toBe(false);
    expect(alive(firstPid)).toBe(false);
    await server.restart();
    expect(server.pid).not.toBe(firstPid);
    const c = new Redis(server.url);
    expect(await c.ping()).toBe('PONG');
    c.disconnect();
  });

  it('runs PostgreSQL as a non-root user and removes its dir on dispose', async () => {
    const server = await EphemeralServer.start(SERVICES.postgres);
    expect(server.version).toMatch(/^\d+/);
    // PostgreSQL refuses to start as root, so a root-run lab must hand it to another user.
    const uid = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1]);
    expect(uid).not.toBe(0);
    const { pid, dir } = server;
    await server.dispose();
    expect(alive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  });

  it('dies with its owner even when the owner is SIGKILLed (no orphan, no temp dir)', async () => {
    const node = process.execPath;
    const owner = spawn(node, [path.join(REPO_ROOT, 'test/fixtures/owner-that-gets-killed.ts')], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      owner.stdout.once('data', (d: Buffer) => resolve(d.toString()));
      owner.once('exit', (code) => reject(new Error(`owner exited early with ${code}`)));
    });
    const { pid, dir } = JSON.parse(line) as { pid: number; dir: string };
    expect(alive(pid)).toBe(true);
    owner.kill('SIGKILL'); // no JavaScript runs after this: only the reaper can clean up
    expect(await waitFor(() => !alive(pid) && !existsSync(dir), 5000)).toBe(true);
  });
});
