import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CATEGORY_IDS } from './categories.ts';
import { headings, parseFrontmatter } from './frontmatter.ts';
import { type PocMeta, PocMetaSchema } from './schema.ts';

/** One POC folder, `pocs/<category>/<slug>/`, as read from disk. */
export interface Poc {
  meta: PocMeta;
  /** Absolute folder path. */
  dir: string;
  /** `pocs/<category>/<slug>` with forward slashes. */
  relDir: string;
  /** README markdown without its frontmatter. */
  body: string;
  /** The README's `## ` headings. */
  sections: string[];
  /** `demo.ts`, or null when missing. */
  demoPath: string | null;
  /** `*.test.ts` files in the folder (recursively), absolute. */
  testFiles: string[];
  /** Implementation files (everything but README, demo and tests), relative to `dir`. */
  sourceFiles: string[];
}

export interface CatalogProblem {
  /** `pocs/<category>/<slug>` or the file the problem is in. */
  where: string;
  message: string;
}

export interface Catalog {
  pocs: Poc[];
  /** Folders that could not be read as a POC (bad metadata, no README, ...). */
  problems: CatalogProblem[];
}

const IGNORED = new Set(['node_modules', '.DS_Store']);

async function listFiles(dir: string, base = dir): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (IGNORED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(full, base)));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out.sort();
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** Reads every `pocs/<category>/<slug>/README.md`. Never throws on a bad POC: it reports it. */
export async function loadCatalog(root: string): Promise<Catalog> {
  const pocsDir = path.join(root, 'pocs');
  const pocs: Poc[] = [];
  const problems: CatalogProblem[] = [];
  if (!(await isDir(pocsDir))) return { pocs, problems };

  for (const category of (await readdir(pocsDir)).sort()) {
    const categoryDir = path.join(pocsDir, category);
    if (!(await isDir(categoryDir))) continue;
    if (!(CATEGORY_IDS as readonly string[]).includes(category)) {
      problems.push({
        where: `pocs/${category}`,
        message: `unknown category folder; use one of: ${CATEGORY_IDS.join(', ')}`,
      });
      continue;
    }
    for (const slug of (await readdir(categoryDir)).sort()) {
      const dir = path.join(categoryDir, slug);
      if (!(await isDir(dir))) continue;
      const relDir = `pocs/${category}/${slug}`;
      const result = await readPoc(dir, relDir, category, slug);
      if ('message' in result) problems.push(result);
      else pocs.push(result);
    }
  }
  pocs.sort((a, b) => a.meta.id - b.meta.id);
  return { pocs, problems };
}

async function readPoc(
  dir: string,
  relDir: string,
  category: string,
  slug: string,
): Promise<Poc | CatalogProblem> {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8').catch(() => null);
  if (readme === null)
    return { where: relDir, message: 'no README.md: every POC folder needs one (run `sdlab new poc`)' };
  const { data, body } = parseFrontmatter(readme);
  if (data === undefined)
    return { where: `${relDir}/README.md`, message: 'README.md has no frontmatter (--- yaml ---)' };
  const parsed = PocMetaSchema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first?.path.join('.') || '(root)';
    return {
      where: `${relDir}/README.md`,
      message: `frontmatter field "${field}": ${first?.message ?? 'invalid'}`,
    };
  }
  const meta = parsed.data;
  if (meta.category !== category) {
    return {
      where: `${relDir}/README.md`,
      message: `category "${meta.category}" but the folder is pocs/${category}/`,
    };
  }
  if (meta.slug !== slug) {
    return { where: `${relDir}/README.md`, message: `slug "${meta.slug}" but the folder is named ${slug}` };
  }
  const files = await listFiles(dir);
  const testFiles = files.filter((f) => f.endsWith('.test.ts'));
  return {
    meta,
    dir,
    relDir,
    body,
    sections: headings(body, 2),
    demoPath: files.includes('demo.ts') ? path.join(dir, 'demo.ts') : null,
    testFiles: testFiles.map((f) => path.join(dir, f)),
    sourceFiles: files.filter((f) => f !== 'README.md' && f !== 'demo.ts' && !f.endsWith('.test.ts')),
  };
}

/** A POC as roadmap coverage sees it: which plan items it implements, in which category. */
export function asBuiltThing(poc: Poc): { slug: string; category: string; roadmap: string[] } {
  return { slug: poc.meta.slug, category: poc.meta.category, roadmap: poc.meta.roadmap };
}
