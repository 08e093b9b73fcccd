import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseFrontmatter } from '../catalog/frontmatter.ts';
import { SLUG } from '../catalog/schema.ts';
import { type ContentDoc, type ContentKind, ContentMetaSchema } from './contentSchema.ts';

const CONTENT_DIRS: Record<ContentKind, string> = {
  article: 'content/articles',
  problem: 'content/problems',
};

/**
 * Reads and validates `content/articles/*.md` or `content/problems/*.md`. Unlike the catalog, a bad
 * page is an error: the site build stops and says which file and field.
 */
export async function loadContentDocs(root: string, kind: ContentKind): Promise<ContentDoc[]> {
  const relDir = CONTENT_DIRS[kind];
  const names = await readdir(path.join(root, relDir)).catch(() => [] as string[]);
  const docs: ContentDoc[] = [];
  for (const name of names.filter((n) => n.endsWith('.md')).sort()) {
    const file = `${relDir}/${name}`;
    const slug = name.slice(0, -'.md'.length);
    if (!SLUG.test(slug))
      throw new Error(`${file}: file name must be lower-case words joined by hyphens (it is the slug)`);
    const { data, body } = parseFrontmatter(await readFile(path.join(root, file), 'utf8'));
    if (data === undefined)
      throw new Error(`${file}: no frontmatter (--- yaml ---); see src/site/contentSchema.ts`);
    const parsed = ContentMetaSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${file}: frontmatter field "${issue?.path.join('.') || '(root)'}": ${issue?.message ?? 'invalid'}`,
      );
    }
    if (parsed.data.slug !== undefined && parsed.data.slug !== slug) {
      throw new Error(`${file}: slug "${parsed.data.slug}" but the file is named ${name}`);
    }
    docs.push({ kind, slug, meta: parsed.data, body, file });
  }
  return docs;
}
