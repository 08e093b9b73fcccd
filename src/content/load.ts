import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { headings, parseFrontmatter } from '../catalog/frontmatter.ts';

/** An article or problem (`content/<kind>/<slug>.md`): what coverage, `sdlab check` and the site need of it. */
export interface ContentEntry {
  slug: string;
  category: string;
  roadmap: string[];
  title: string;
  /** Repo-relative path, e.g. `content/problems/x.md`. */
  file: string;
  /** The raw frontmatter; `sdlab check` validates it against ContentMetaSchema. */
  frontmatter: unknown;
  /** The page's `## ` headings, in order. */
  sections: string[];
}

async function loadKind(root: string, kind: 'articles' | 'problems'): Promise<ContentEntry[]> {
  const dir = path.join(root, 'content', kind);
  const files = await readdir(dir).catch(() => [] as string[]);
  const entries: ContentEntry[] = [];
  for (const file of files.filter((f) => /\.md$/.test(f)).sort()) {
    const { data, body } = parseFrontmatter(await readFile(path.join(dir, file), 'utf8'));
    const fm = (data ?? {}) as { category?: unknown; roadmap?: unknown; title?: unknown };
    entries.push({
      slug: file.replace(/\.md$/, ''),
      category: String(fm.category ?? ''),
      roadmap: Array.isArray(fm.roadmap) ? fm.roadmap.map(String) : [],
      title: String(fm.title ?? file),
      file: `content/${kind}/${file}`,
      frontmatter: data,
      sections: headings(body, 2),
    });
  }
  return entries;
}

export async function loadContent(
  root: string,
): Promise<{ articles: ContentEntry[]; problems: ContentEntry[] }> {
  const [articles, problems] = await Promise.all([loadKind(root, 'articles'), loadKind(root, 'problems')]);
  return { articles, problems };
}
