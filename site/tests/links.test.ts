/**
 * A check over the built site (site/dist): every internal href/src resolves to a file, every #fragment
 * to an id on its page, and every page has a <title> and a meta description.
 */
import { existsSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SITE_DIST as DIST } from '../../src/site/build.ts';
import { decodeHtml as decode } from '../../src/site/html.ts';

interface HtmlPage {
  /** URL path, e.g. /pocs/x/ */
  url: string;
  file: string;
  html: string;
}

let pages: HtmlPage[] = [];

function urlOf(file: string): string {
  const rel = path.relative(DIST, file).split(path.sep).join('/');
  return `/${rel.replace(/(^|\/)index\.html$/, '$1')}`;
}

/** The file a URL path is served from, or null. */
function fileFor(urlPath: string): string | null {
  const full = path.join(DIST, decodeURIComponent(urlPath));
  for (const candidate of [full, path.join(full, 'index.html'), `${full}.html`]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function ids(html: string): Set<string> {
  return new Set([...html.matchAll(/\sid="([^"]+)"/g)].map((m) => decode(m[1] ?? '')));
}

beforeAll(async () => {
  const entries = await readdir(DIST, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.html'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${path.sep}pagefind${path.sep}`));
  pages = await Promise.all(
    files.map(async (file) => ({ file, url: urlOf(file), html: await readFile(file, 'utf8') })),
  );
});

describe('built site', () => {
  it('has pages', () => {
    expect(pages.length).toBeGreaterThan(10);
    expect(pages.map((p) => p.url)).toContain('/');
    expect(pages.map((p) => p.url)).toContain('/progress/');
  });

  it('resolves every internal link and asset, fragments included', () => {
    const broken: string[] = [];
    const idCache = new Map<string, Set<string>>();
    const idsOf = (file: string, html?: string) => {
      let set = idCache.get(file);
      if (!set) {
        set = ids(html ?? '');
        idCache.set(file, set);
      }
      return set;
    };
    let checked = 0;
    for (const page of pages) {
      idsOf(page.file, page.html);
      for (const m of page.html.matchAll(/\s(href|src)="([^"]*)"/g)) {
        const raw = decode(m[2] ?? '');
        if (!raw || /^(?:[a-z][a-z0-9+.-]*:|\/\/)/i.test(raw)) continue; // external, mailto:, data:, ...
        const target = new URL(raw, `http://site${page.url}`);
        const hash = decodeURIComponent(target.hash.slice(1));
        checked++;
        const file = fileFor(target.pathname);
        if (!file) {
          broken.push(`${page.url}: ${m[1]}="${raw}" → ${target.pathname} does not exist`);
          continue;
        }
        if (hash && file.endsWith('.html')) {
          const html = file === page.file ? page.html : pages.find((p) => p.file === file)?.html;
          if (html !== undefined && !idsOf(file, html).has(hash)) {
            broken.push(`${page.url}: ${m[1]}="${raw}" → no id "${hash}" on ${target.pathname}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(broken, broken.join('\n')).toEqual([]);
  });

  it('gives every page a <title> and a meta description', () => {
    const missing: string[] = [];
    for (const page of pages) {
      const title = /<title>([^<]+)<\/title>/.exec(page.html)?.[1]?.trim();
      const description = /<meta name="description" content="([^"]+)"/.exec(page.html)?.[1]?.trim();
      if (!title) missing.push(`${page.url}: no <title>`);
      if (!description || description.length < 20) missing.push(`${page.url}: no meta description`);
    }
    expect(missing, missing.join('\n')).toEqual([]);
  });

  it('loads nothing from the internet', () => {
    const external: string[] = [];
    for (const page of pages) {
      for (const m of page.html.matchAll(
        /<(script|link|img|iframe)\b[^>]*\s(?:src|href)="((?:https?:)?\/\/[^"]+)"/g,
      )) {
        // <link rel="canonical"/"sitemap"> would be fine, but the site sets neither: any absolute asset is a bug.
        external.push(`${page.url}: <${m[1]}> ${m[2]}`);
      }
    }
    expect(external, external.join('\n')).toEqual([]);
  });
});

describe('production build', () => {
  it('has the offline search index and no dev-mode leftovers', async () => {
    expect(existsSync(path.join(DIST, 'pagefind', 'pagefind.js'))).toBe(true);
    const home = await readFile(path.join(DIST, 'index.html'), 'utf8');
    expect(home).toContain('id="starlight__search"');
  });
});
