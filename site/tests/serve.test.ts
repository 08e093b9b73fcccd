/** The static server behind `npm start`: statuses, redirects and what it refuses to serve. */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { BUILD_STAMP } from '../../src/site/build.ts';
import { isSiteStale } from '../../src/site/serve.ts';

const base = inject('siteUrl');

describe('serveSite', () => {
  it('serves pages, assets and a 404 page', async () => {
    const home = await fetch(base);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    const missing = await fetch(new URL('/no/such/page/', base));
    expect(missing.status).toBe(404);
    await expect(missing.text()).resolves.toContain('Page not found');
  });

  it('redirects a page path without its trailing slash', async () => {
    const res = await fetch(new URL('/progress', base), { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/progress/');
  });

  it('never serves files outside site/dist', async () => {
    // The client normalises literal and %2e%2e segments away; encoded slashes reach the server as
    // they are, and two levels up from site/dist is the repository's own package.json.
    for (const p of [
      '/..%2fpackage.json',
      '/%2e%2e/%2e%2e/package.json',
      '/../../package.json',
      '/..%2f..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fpackage.json',
    ]) {
      const res = await fetch(new URL(p, base));
      expect(res.status, p).toBe(404);
      expect(await res.text(), p).not.toContain('"system-design-lab"');
    }
  });

  it('rebuilds only when an input is newer than the last build', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'sdlab-stale-'));
    try {
      await expect(isSiteStale(root)).resolves.toBe(true); // never built
      await mkdir(path.join(root, 'site', 'dist'), { recursive: true });
      await mkdir(path.join(root, 'pocs', 'databases', 'x'), { recursive: true });
      await mkdir(path.join(root, 'site', 'src', 'content', 'docs'), { recursive: true });
      const readme = path.join(root, 'pocs', 'databases', 'x', 'README.md');
      await writeFile(readme, '# x\n');
      const past = new Date(Date.now() - 60_000);
      for (const p of [
        readme,
        path.join(root, 'pocs', 'databases', 'x'),
        path.join(root, 'pocs', 'databases'),
        path.join(root, 'pocs'),
      ]) {
        await utimes(p, past, past);
      }
      await writeFile(path.join(root, 'site', 'dist', BUILD_STAMP), '{}\n');
      // Generated pages are outputs, not inputs: writing them does not make the site stale.
      await writeFile(path.join(root, 'site', 'src', 'content', 'docs', 'index.md'), 'x\n');
      await utimes(path.join(root, 'site', 'src', 'content'), past, past);
      await utimes(path.join(root, 'site', 'src'), past, past);
      await utimes(path.join(root, 'site'), past, past);
      await expect(isSiteStale(root)).resolves.toBe(false);
      const future = new Date(Date.now() + 60_000);
      await utimes(readme, future, future);
      await expect(isSiteStale(root)).resolves.toBe(true);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
