import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import type { z } from 'zod';
import { CATEGORIES } from '../catalog/categories.ts';
import { type Roadmap, type RoadmapCategory, type RoadmapFile, RoadmapFileSchema } from './schema.ts';

export type { Roadmap, RoadmapCategory, RoadmapItem } from './schema.ts';

/** Where the roadmap files live, relative to the repository root. */
export const ROADMAP_DIR = 'roadmap';

/**
 * Reads and validates every `roadmap/*.yaml` under `root`.
 *
 * All problems in all files are gathered into one error, so a broken edit is fixed in one pass.
 * Ids are unique across files by construction: the schema makes them unique within a file and
 * prefixed with the file's category, and the category must equal the file name.
 * A category without a file is allowed (it has nothing planned yet); the test over the real
 * roadmap is what insists all ten exist.
 */
export async function loadRoadmap(root: string): Promise<Roadmap> {
  const dir = path.join(root, ROADMAP_DIR);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.yaml')).sort();
  const problems: string[] = [];
  const files: RoadmapFile[] = [];

  for (const name of names) {
    const shown = path.join(ROADMAP_DIR, name);
    let raw: unknown;
    try {
      raw = parse(await readFile(path.join(dir, name), 'utf8'));
    } catch (err) {
      problems.push(`${shown}: not valid YAML: ${(err as Error).message}`);
      continue;
    }
    const result = RoadmapFileSchema.safeParse(raw);
    if (!result.success) {
      problems.push(...result.error.issues.map((issue) => `${shown}: ${describeIssue(issue, raw)}`));
      continue;
    }
    const expected = name.slice(0, -'.yaml'.length);
    if (result.data.category !== expected) {
      problems.push(
        `${shown}: category: "${result.data.category}" does not match the file name "${expected}"`,
      );
      continue;
    }
    files.push(result.data);
  }

  if (problems.length > 0) {
    throw new Error(`Invalid roadmap (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`);
  }

  const categories: RoadmapCategory[] = [];
  for (const { id } of CATEGORIES) {
    const file = files.find((f) => f.category === id);
    if (!file) continue;
    categories.push({
      category: id,
      targets: file.targets,
      items: file.items.map((i) => ({ ...i, category: id })),
    });
  }
  return { categories, items: categories.flatMap((c) => c.items) };
}

/** "items[3].kind (caching/foo): Invalid option ..." — the item id makes the line findable. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const field =
    issue.path
      .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
      .join('') || '(file)';
  const [top, index] = issue.path;
  let where = '';
  if (top === 'items' && typeof index === 'number') {
    const id = (raw as { items?: { id?: unknown }[] }).items?.[index]?.id;
    if (typeof id === 'string') where = ` (${id})`;
  }
  return `${field}${where}: ${issue.message}`;
}
