/**
 * `buildSite()`: the generate step (src/site/generate.ts) and then `astro build` in site/, whose output
 * is streamed to stderr. Throws a one-line error when either fails.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from '../paths.ts';
import { generateSite, SITE_DIR } from './generate.ts';

export interface BuildOptions {
  /** Repository to build from (default: this checkout). */
  root?: string;
  /** Where build output goes (default: process.stderr). */
  output?: NodeJS.WritableStream;
}

export interface BuildReport {
  /** HTML pages in site/dist. */
  pages: number;
  durationMs: number;
  warnings: string[];
}

/** Where `astro build` writes the site, and what `npm start` serves. */
export const SITE_DIST = path.join(SITE_DIR, 'dist');

/** Written into site/dist when a build succeeds: its mtime is what "is the site up to date?" compares. */
export const BUILD_STAMP = '.sdlab-build.json';

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The Astro CLI, run with `nodeBinary()` (by the build here and by `npm run site:dev`). */
export const ASTRO_CLI = path.join(REPO_ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');

/** Astro 7 needs Node >= 22: use the running Node when it is new enough, else the project's own. */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split('.')[0]);
  const local = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
  return major >= 22 || !existsSync(local) ? process.execPath : local;
}

/**
 * The environment for `astro build`. Vitest puts Vite's own variables (NODE_ENV=test, DEV, PROD, SSR,
 * MODE, BASE_URL, VITEST…) into process.env; inherited, they make Vite build in dev mode, which among
 * other things leaves the Pagefind search out. So they are dropped here.
 */
function buildEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const viteOwn = new Set(['DEV', 'PROD', 'SSR', 'MODE', 'BASE_URL', 'TEST', 'NODE_ENV']);
  for (const [key, value] of Object.entries(process.env)) {
    if (viteOwn.has(key) || key.startsWith('VITEST') || key.startsWith('VITE_')) continue;
    env[key] = value;
  }
  return { ...env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' };
}

async function countPages(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.html') && !entry.parentPath.includes(`${path.sep}pagefind`))
      n++;
  }
  return n;
}

export async function buildSite(options: BuildOptions = {}): Promise<BuildReport> {
  const started = performance.now();
  const output = options.output ?? process.stderr;
  let warnings: string[];
  try {
    const report = await generateSite(options.root ? { root: options.root } : {});
    warnings = report.warnings;
    output.write(`[site] generated ${report.pages.length} pages from the repository\n`);
    for (const w of warnings) output.write(`[site] warning: ${w}\n`);
  } catch (error) {
    throw new Error(`site build failed: ${oneLine((error as Error).message)}`);
  }

  const tail: string[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(nodeBinary(), [ASTRO_CLI, 'build'], {
      cwd: SITE_DIR,
      env: buildEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onData = (chunk: Buffer) => {
      output.write(chunk);
      tail.push(...chunk.toString('utf8').split('\n'));
      if (tail.length > 200) tail.splice(0, tail.length - 200);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  if (code !== 0) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
    const clean = tail.map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trim()).filter(Boolean);
    const errorLine = clean.find((l) => /\[ERROR\]|error/i.test(l)) ?? clean.at(-1) ?? 'no output';
    throw new Error(`site build failed: astro build exited with code ${code}: ${oneLine(errorLine)}`);
  }
  const pages = await countPages(SITE_DIST);
  const durationMs = Math.round(performance.now() - started);
  await writeFile(
    path.join(SITE_DIST, BUILD_STAMP),
    `${JSON.stringify({ builtAt: new Date().toISOString(), pages, durationMs })}\n`,
  );
  return { pages, durationMs, warnings };
}
