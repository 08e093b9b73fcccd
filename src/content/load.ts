import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFrontmatter } from '../catalog/frontmatter.ts';

/** An article or problem (`content/<kind>/<slug>.md`), as far as coverage is concerned. The website validates the full frontmatter. */
export interface ContentEntry {
  slug: string;
  category: string;
  roadmap: string[];
  title: string;
}

async function loadKind(dir: string): Promise<ContentEntry[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const entries: ContentEntry[] = [];
  for (const file of files.filter((f) => /\.md$/.test(f)).sort()) {
    const { data } = parseFrontmatter(await readFile(path.join(dir, file), 'utf8'));
    const fm = (data ?? {}) as { category?: unknown; roadmap?: unknown; title?: unknown };
    entries.push({
      slug: file.replace(/\.md$/, ''),
      category: String(fm.category ?? ''),
      roadmap: Array.isArray(fm.roadmap) ? fm.roadmap.map(String) : [],
      title: String(fm.title ?? file),
    });
  }
  return entries;
}

export async function loadContent(
  root: string,
): Promise<{ articles: ContentEntry[]; problems: ContentEntry[] }> {
  const [articles, problems] = await Promise.all([
    loadKind(path.join(root, 'content', 'articles')),
    loadKind(path.join(root, 'content', 'problems')),
  ]);
  return { articles, problems };
}
