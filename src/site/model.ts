/**
 * Everything the website is built from, read from the repository in one pass: the catalog (pocs/),
 * articles and problems (content/), the roadmap (roadmap/) and the latest results (results/).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CATEGORIES, type CategoryId } from '../catalog/categories.ts';
import { asBuiltThing, loadCatalog, type Poc } from '../catalog/load.ts';
import { resultFileName } from '../results/resultFile.ts';
import { type ResultFile, ResultFileSchema } from '../results/schema.ts';
import { loadRoadmap } from '../roadmap/load.ts';
import { computeProgress, type Progress } from '../roadmap/progress.ts';
import type { Roadmap } from '../roadmap/schema.ts';
import { loadContentDocs } from './content.ts';
import type { ContentDoc } from './contentSchema.ts';
import type { IncludeContext, ResultRef } from './includes.ts';

export interface SiteModel {
  root: string;
  pocs: Poc[];
  articles: ContentDoc[];
  problems: ContentDoc[];
  /** Latest result per POC id. */
  results: Map<number, { result: ResultFile; file: string }>;
  roadmap: Roadmap;
  progress: Progress;
  warnings: string[];
}

/**
 * Every results/*.json, validated. Unlike `readResultFile` (which the CLI uses, and which reads an
 * unreadable file as "never run"), a broken result file stops the site build: an article citing it
 * would otherwise fail with a misleading "run the POC first".
 */
async function loadResults(root: string, pocs: Poc[], warnings: string[]): Promise<SiteModel['results']> {
  const out: SiteModel['results'] = new Map();
  const names = await readdir(path.join(root, 'results')).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
    const file = `results/${name}`;
    let parsed: ResultFile;
    try {
      parsed = ResultFileSchema.parse(JSON.parse(await readFile(path.join(root, file), 'utf8')));
    } catch (error) {
      const issue = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues?.[0];
      const why = issue ? `field "${issue.path.join('.')}": ${issue.message}` : (error as Error).message;
      throw new Error(`${file} is not a valid result file: ${why}`);
    }
    const poc = pocs.find((p) => p.meta.id === parsed.poc.id);
    if (!poc) {
      warnings.push(`${file}: no POC has id ${parsed.poc.id}; the result is not shown`);
      continue;
    }
    const expected = resultFileName(poc.meta);
    if (name !== expected) {
      warnings.push(`${file}: expected the name ${expected}; the result is not shown`);
      continue;
    }
    out.set(poc.meta.id, { result: parsed, file });
  }
  return out;
}

async function loadRoadmapOrEmpty(root: string): Promise<Roadmap> {
  try {
    return await loadRoadmap(root);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { categories: [], items: [] };
    throw error;
  }
}

export async function loadSiteModel(root: string): Promise<SiteModel> {
  const warnings: string[] = [];
  const catalog = await loadCatalog(root);
  for (const p of catalog.problems)
    warnings.push(`${p.where}: ${p.message} — this POC is left out of the site`);
  const [articles, problems, roadmap] = await Promise.all([
    loadContentDocs(root, 'article'),
    loadContentDocs(root, 'problem'),
    loadRoadmapOrEmpty(root),
  ]);
  const results = await loadResults(root, catalog.pocs, warnings);
  const thing = (d: ContentDoc) => ({ slug: d.slug, category: d.meta.category, roadmap: d.meta.roadmap });
  const progress = computeProgress(roadmap, {
    pocs: catalog.pocs.map(asBuiltThing),
    articles: articles.map(thing),
    problems: problems.map(thing),
  });
  return { root, pocs: catalog.pocs, articles, problems, results, roadmap, progress, warnings };
}

// --- addresses -------------------------------------------------------------------------------

export const href = {
  home: '/',
  progress: '/progress/',
  pocs: '/pocs/',
  articles: '/articles/',
  problems: '/problems/',
  poc: (p: Poc) => `/pocs/${p.meta.slug}/`,
  doc: (d: ContentDoc) => `/${d.kind}s/${d.slug}/`,
  category: (id: string) => `/categories/${id}/`,
};

export function findPoc(model: Pick<SiteModel, 'pocs'>, ref: string | number): Poc | undefined {
  const asNumber = typeof ref === 'number' ? ref : /^\d+$/.test(ref) ? Number(ref) : null;
  return model.pocs.find((p) => (asNumber !== null ? p.meta.id === asNumber : p.meta.slug === ref));
}

/** The page of a repo-relative path, when it has one (see includes.ts for how links are rewritten). */
export function linkFor(model: SiteModel, rel: string): string | null {
  const clean = rel.replace(/\/+$/, '');
  const pocMatch = /^pocs\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(clean);
  if (pocMatch) {
    const poc = model.pocs.find((p) => p.meta.category === pocMatch[1] && p.meta.slug === pocMatch[2]);
    if (!poc) return null;
    const file = pocMatch[3];
    if (!file || file === 'README.md') return href.poc(poc);
    return `${href.poc(poc)}#source-code`;
  }
  const docMatch = /^content\/(articles|problems)\/([^/]+)\.md$/.exec(clean);
  if (docMatch) {
    const list = docMatch[1] === 'articles' ? model.articles : model.problems;
    const doc = list.find((d) => d.slug === docMatch[2]);
    return doc ? href.doc(doc) : null;
  }
  const resultMatch = /^results\/(\d+)-[^/]+\.json$/.exec(clean);
  if (resultMatch) {
    const poc = findPoc(model, Number(resultMatch[1]));
    return poc ? `${href.poc(poc)}#measured-results` : null;
  }
  if (clean === 'roadmap' || clean.startsWith('roadmap/')) return href.progress;
  return null;
}

export function includeContext(model: SiteModel, file: string): IncludeContext {
  return {
    root: model.root,
    file,
    result(ref): ResultRef | 'no-poc' | 'not-run' {
      const poc = findPoc(model, ref);
      if (!poc) return 'no-poc';
      const found = model.results.get(poc.meta.id);
      if (!found) return 'not-run';
      return { ...found, pocHref: href.poc(poc) };
    },
    linkFor: (rel) => linkFor(model, rel),
    warn: (message) => model.warnings.push(message),
  };
}

/** POCs, articles and problems of one category, in catalog order. */
export function inCategory(model: SiteModel, id: CategoryId) {
  return {
    category: CATEGORIES.find((c) => c.id === id)!,
    pocs: model.pocs.filter((p) => p.meta.category === id),
    articles: model.articles.filter((d) => d.meta.category === id),
    problems: model.problems.filter((d) => d.meta.category === id),
    progress: model.progress.categories.find((c) => c.category === id)!,
  };
}

/** What a POC page lists under "Related": both directions of every link. */
export function relatedOfPoc(model: SiteModel, poc: Poc) {
  const pocs = new Map<number, Poc>();
  for (const ref of poc.meta.related) {
    const other = findPoc(model, ref);
    if (other && other !== poc) pocs.set(other.meta.id, other);
    else if (!other)
      model.warnings.push(`${poc.relDir}/README.md: related POC "${ref}" does not exist (yet)`);
  }
  for (const other of model.pocs) {
    if (other === poc) continue;
    if (other.meta.related.some((r) => findPoc(model, r) === poc)) pocs.set(other.meta.id, other);
  }
  const docs = (list: ContentDoc[], named: string[]) => {
    const out = new Map<string, ContentDoc>();
    for (const slug of named) {
      const doc = list.find((d) => d.slug === slug);
      if (doc) out.set(doc.slug, doc);
    }
    for (const doc of list)
      if (doc.meta.related.some((r) => findPoc(model, r) === poc)) out.set(doc.slug, doc);
    return [...out.values()];
  };
  return {
    pocs: [...pocs.values()].sort((a, b) => a.meta.id - b.meta.id),
    articles: docs(model.articles, poc.meta.articles),
    problems: docs(model.problems, poc.meta.problems),
  };
}

/** What an article or problem page lists under "Related". */
export function relatedOfDoc(model: SiteModel, doc: ContentDoc) {
  const pocs = new Map<number, Poc>();
  for (const ref of doc.meta.related) {
    const poc = findPoc(model, ref);
    if (poc) pocs.set(poc.meta.id, poc);
    else
      throw new Error(`${doc.file}: related POC "${ref}" does not exist (use a POC id or slug from pocs/)`);
  }
  const listsMe = (p: Poc) => (doc.kind === 'article' ? p.meta.articles : p.meta.problems).includes(doc.slug);
  for (const p of model.pocs) if (listsMe(p)) pocs.set(p.meta.id, p);
  const sameRoadmap = (other: ContentDoc) =>
    other !== doc && other.meta.roadmap.some((id) => doc.meta.roadmap.includes(id));
  const mentionsSamePoc = (other: ContentDoc) =>
    other !== doc && other.meta.related.some((r) => [...pocs.values()].includes(findPoc(model, r) as Poc));
  const others = [...model.articles, ...model.problems].filter((d) => sameRoadmap(d) || mentionsSamePoc(d));
  return {
    pocs: [...pocs.values()].sort((a, b) => a.meta.id - b.meta.id),
    articles: others.filter((d) => d.kind === 'article'),
    problems: others.filter((d) => d.kind === 'problem'),
  };
}
