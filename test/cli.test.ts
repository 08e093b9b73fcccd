import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/paths.ts';
import { ResultFileSchema } from '../src/results/schema.ts';

const CLI = path.join(REPO_ROOT, 'src/cli/main.ts');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment with overrides; `undefined` removes a variable (spawn would pass the string "undefined"). */
function withEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function sdlab(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: withEnv(env) });
  return collect(child, start);
}

function collect(child: ChildProcess, start: number): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - start })),
  );
}

/** Environment without any service URL, so the lab has to find servers itself. */
const NO_URLS = {
  REDIS_URL: undefined,
  DATABASE_URL: undefined,
  MYSQL_URL: undefined,
  AMQP_URL: undefined,
  NATS_URL: undefined,
  MQTT_URL: undefined,
};

describe('sdlab: bad input gets one clear line and exit code 2', () => {
  it('unknown POC suggests the nearest ids and slugs', async () => {
    const r = await sdlab(['run', 'rate-limitr']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no POC named "rate-limitr"; did you mean .*sliding-window-rate-limiter/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('`sdlab run nonexistent` exits 2', async () => {
    const r = await sdlab(['run', 'nonexistent']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no POC named "nonexistent"');
  });

  it('unknown flag names the valid ones', async () => {
    const r = await sdlab(['list', '--colour']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "unknown option --colour for 'sdlab list'; valid options: --category, --service, --status, --json",
    );
  });

  it('bad choice lists the allowed values', async () => {
    const r = await sdlab(['list', '--category', 'kafka']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('choose one of: caching, databases');
  });

  it('a service that cannot be had: says which variable and how to get one, within 2 s', async () => {
    const r = await sdlab(['run', 'sliding-window-rate-limiter', '--no-save'], {
      ...NO_URLS,
      SDLAB_NO_EPHEMERAL: '1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Redis is needed: REDIS_URL is not set/);
    expect(r.stderr).toContain('docker compose up -d redis');
    expect(r.stderr).toContain('apt install redis-server');
    expect(r.ms).toBeLessThan(2000 + 1500); // + Node start-up on a busy 2-core box
  });

  it('a URL that does not answer fails within 2 s with what to do', async () => {
    const r = await sdlab(['run', 'sliding-window-rate-limiter', '--no-save'], {
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/REDIS_URL=redis:\/\/127\.0\.0\.1:1 did not answer within 2000 ms/);
    expect(r.ms).toBeLessThan(2000 + 2000);
  });

  it('--help works on every command', async () => {
    for (const command of ['list', 'show', 'run', 'test', 'doctor', 'check', 'progress', 'new', 'serve']) {
      const r = await sdlab([command, '--help']);
      expect(r.code, command).toBe(0);
      expect(r.stdout, command).toContain(`sdlab ${command}`);
      expect(r.stdout, command).toContain('Usage:');
    }
  });
});

describe('sdlab list / check / progress', () => {
  it('list --json is an array on stdout with the exemplars', async () => {
    const r = await sdlab(['list', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { id: number; slug: string; category: string }[];
    expect(rows.map((p) => p.id)).toEqual(expect.arrayContaining([71, 86, 87]));
    const filtered = JSON.parse((await sdlab(['list', '--json', '--service', 'redis'])).stdout) as {
      slug: string;
      services: string[];
    }[];
    expect(filtered.map((p) => p.slug)).toContain('sliding-window-rate-limiter');
    expect(filtered.map((p) => p.slug)).not.toContain('connection-pool-sizing');
    for (const p of filtered) expect(p.services).toContain('redis');
  });

  it('doctor --json reports every service with a status and, when usable, a version', async () => {
    const r = await sdlab(['doctor', '--json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as {
      services: { service: string; status: string; version: string | null }[];
    };
    expect(report.services.map((s) => s.service)).toEqual([
      'redis',
      'postgres',
      'mysql',
      'rabbitmq',
      'nats',
      'mqtt',
    ]);
    for (const s of report.services.filter((x) => x.service === 'redis' || x.service === 'postgres')) {
      expect(['reachable', 'startable']).toContain(s.status);
      expect(s.version).toMatch(/^\d+\.\d+/);
    }
  });

  it('check passes on the repository', async () => {
    const r = await sdlab(['check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('progress --json computes coverage from the roadmap', async () => {
    const r = await sdlab(['progress', '--json']);
    expect(r.code).toBe(0);
    const progress = JSON.parse(r.stdout) as { categories: { category: string; pocs: { built: number } }[] };
    expect(progress.categories).toHaveLength(10);
    expect(progress.categories.find((c) => c.category === 'databases')?.pocs.built).toBeGreaterThanOrEqual(1);
  });

  it('check fails on a POC without a test and a README missing a section', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sdlab-check-'));
    try {
      for (const dir of ['pocs', 'roadmap', 'content'])
        cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
      const breaker = path.join(root, 'pocs/microservices/circuit-breaker');
      for (const f of readdirSync(breaker, { recursive: true }) as string[]) {
        if (f.endsWith('.test.ts')) rmSync(path.join(breaker, f));
      }
      const readme = path.join(root, 'pocs/api-design/sliding-window-rate-limiter/README.md');
      writeFileSync(readme, readFileSync(readme, 'utf8').replace(/^## Extend it$/m, '## Ideas'));

      // A problem page without the incident format's last sections, and an article citing a POC that does not exist.
      writeFileSync(
        path.join(root, 'content/problems/half-written.md'),
        '---\ntitle: Half written\ndescription: A problem page that stops after explaining why it happens.\n' +
          'category: databases\nsources:\n  - title: Example\n    url: https://example.org/\n---\n\n' +
          '## The incident\n\nx\n\n## How to detect it\n\nx\n\n## Why it happens\n\nx\n',
      );
      writeFileSync(
        path.join(root, 'content/articles/dangling.md'),
        '---\ntitle: Dangling\ndescription: An article whose related POC was never built.\ncategory: cdn\n' +
          'related: [9999]\nsources: []\n---\n\nText.\n',
      );

      const r = await sdlab(['check', '--root', root]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('content/problems/half-written.md: missing section "## Quick win"');
      expect(r.stderr).toContain(
        'content/problems/half-written.md: section "## How to detect it" is out of order',
      );
      expect(r.stderr).toContain('content/articles/dangling.md: sources: list at least one public source');
      expect(r.stderr).toContain('pocs/microservices/circuit-breaker: no *.test.ts');
      expect(r.stderr).toContain(
        'pocs/api-design/sliding-window-rate-limiter/README.md: missing section "## Extend it"',
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('sdlab new poc', () => {
  it('scaffolds a POC that passes check, with the next free id', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'sdlab-new-'));
    try {
      for (const dir of ['pocs', 'roadmap', 'content'])
        cpSync(path.join(REPO_ROOT, dir), path.join(root, dir), { recursive: true });
      const r = await sdlab([
        'new',
        'poc',
        'cache-aside',
        '--category',
        'caching',
        '--services',
        'redis',
        '--root',
        root,
      ]);
      expect(r.code).toBe(0);
      const catalog = JSON.parse((await sdlab(['list', '--json'])).stdout) as { id: number }[];
      const nextFree = Math.max(...catalog.map((p) => p.id)) + 1;
      expect(r.stdout).toContain(`created pocs/caching/cache-aside/ (id ${nextFree})`);
      expect(readdirSync(path.join(root, 'pocs/caching/cache-aside')).sort()).toEqual([
        'CacheAside.test.ts',
        'CacheAside.ts',
        'README.md',
        'demo.test.ts',
        'demo.ts',
      ]);
      const check = await sdlab(['check', '--root', root]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
      const again = await sdlab(['new', 'poc', 'cache-aside', '--category', 'caching', '--root', root]);
      expect(again.code).toBe(2);
      expect(again.stderr).toContain('exists already');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('sdlab run', () => {
  it('prints a schema-valid result with the machine and service versions (--json)', async () => {
    const r = await sdlab(['run', '87', '--quick', '--json', '--no-save']);
    expect(r.code).toBe(0);
    const result = ResultFileSchema.parse(JSON.parse(r.stdout));
    expect(result.poc.slug).toBe('circuit-breaker');
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.node).toMatch(/^v24\./);
    expect(result.tables.length + result.figures.length).toBeGreaterThan(0);
    expect(r.stderr).not.toContain('result file:'); // --no-save: the committed result stays untouched
  });

  it('Ctrl-C mid-run leaves no server process and no temp dir', async () => {
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'sdlab-sigint-'));
    chmodSync(tmp, 0o755); // like /tmp: PostgreSQL runs as its own user when we are root
    try {
      const start = performance.now();
      // Its own TMPDIR, so anything left behind is ours to find; no URLs, so it starts its own PostgreSQL.
      const child = spawn(process.execPath, [CLI, 'run', 'connection-pool-sizing', '--no-save'], {
        cwd: REPO_ROOT,
        env: withEnv({ ...NO_URLS, TMPDIR: tmp }),
      });
      const done = collect(child, start);
      // Wait until the demo is under way (its server is up), then interrupt it.
      await new Promise<void>((resolve, reject) => {
        child.stdout?.on('data', (d: Buffer) => {
          if (d.toString().includes('▶')) setTimeout(resolve, 1500);
        });
        child.once('exit', (code) => {
          setTimeout(
            () => done.then((r) => reject(new Error(`sdlab run exited early with ${code}: ${r.stderr}`))),
            10,
          );
        });
      });
      const during = readdirSync(tmp).filter((n) => n.startsWith('sdlab-postgres-'));
      expect(during).toHaveLength(1);
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(130);
      expect(readdirSync(tmp)).toEqual([]);
      expect(processesMentioning(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Pids whose command line contains `text` (our server's data dir is in its arguments). */
function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // process ended while we looked
    }
  }
  return pids;
}
