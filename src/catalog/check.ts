import { type ContentEntry, loadContent } from '../content/load.ts';
import { loadRoadmap } from '../roadmap/load.ts';
import { findRoadmapConflicts } from '../roadmap/progress.ts';
import { ContentMetaSchema, PROBLEM_SECTIONS } from '../site/contentSchema.ts';
import { asBuiltThing, loadCatalog, type Poc } from './load.ts';
import { FAILURE_SECTIONS, REQUIRED_SECTIONS } from './schema.ts';

export interface CheckFinding {
  /** File or folder the finding is about, relative to the repo root. */
  where: string;
  message: string;
}

/**
 * Everything `sdlab check` enforces, so that 300 POCs stay as navigable as three:
 * valid metadata, the template's sections, a demo and a test per POC, unique ids and slugs,
 * related links that resolve and roadmap items claimed at most once; for articles and problems,
 * valid frontmatter, related POCs that exist, and the incident format's sections on problem pages.
 */
export async function checkCatalog(root: string): Promise<{ findings: CheckFinding[]; pocs: Poc[] }> {
  const [{ pocs, problems }, content] = await Promise.all([loadCatalog(root), loadContent(root)]);
  const contentSlugs = {
    articles: new Set(content.articles.map((a) => a.slug)),
    problems: new Set(content.problems.map((p) => p.slug)),
  };
  const findings: CheckFinding[] = problems.map((p) => ({ where: p.where, message: p.message }));

  const byId = new Map<number, Poc[]>();
  const bySlug = new Map<string, Poc[]>();
  for (const poc of pocs) {
    byId.set(poc.meta.id, [...(byId.get(poc.meta.id) ?? []), poc]);
    bySlug.set(poc.meta.slug, [...(bySlug.get(poc.meta.slug) ?? []), poc]);
  }
  for (const [id, list] of byId) {
    if (list.length > 1) {
      findings.push({
        where: list.map((p) => p.relDir).join(' and '),
        message: `id ${id} is used ${list.length} times`,
      });
    }
  }
  for (const [slug, list] of bySlug) {
    if (list.length > 1) {
      findings.push({
        where: list.map((p) => p.relDir).join(' and '),
        message: `slug ${slug} is used ${list.length} times`,
      });
    }
  }

  for (const poc of pocs) {
    const readme = `${poc.relDir}/README.md`;
    const wanted = [...REQUIRED_SECTIONS, ...(poc.meta.failure ? FAILURE_SECTIONS : [])];
    for (const section of wanted) {
      if (!poc.sections.includes(section)) {
        findings.push({ where: readme, message: `missing section "## ${section}"` });
      }
    }
    if (!poc.demoPath) findings.push({ where: poc.relDir, message: 'no demo.ts: `sdlab run` needs one' });
    if (poc.testFiles.length === 0) {
      findings.push({ where: poc.relDir, message: 'no *.test.ts: every POC proves its claim with a test' });
    }
    for (const ref of poc.meta.related) {
      const target = typeof ref === 'number' ? byId.get(ref)?.[0] : bySlug.get(ref)?.[0];
      if (!target) findings.push({ where: readme, message: `related POC "${ref}" does not exist` });
      else if (target === poc) findings.push({ where: readme, message: 'lists itself as related' });
    }
    for (const [kind, slugs] of [
      ['articles', poc.meta.articles],
      ['problems', poc.meta.problems],
    ] as const) {
      for (const slug of slugs) {
        if (!contentSlugs[kind].has(slug)) {
          findings.push({ where: readme, message: `${kind} "${slug}" not found in content/${kind}/` });
        }
      }
    }
  }

  for (const entry of [...content.articles, ...content.problems]) {
    findings.push(...checkContent(entry, content.problems.includes(entry), byId, bySlug));
  }

  try {
    const roadmap = await loadRoadmap(root);
    const conflicts = findRoadmapConflicts(roadmap, { pocs: pocs.map(asBuiltThing), ...content });
    for (const c of conflicts) findings.push({ where: `roadmap ${c.itemId}`, message: c.message });
  } catch (error) {
    findings.push({ where: 'roadmap/', message: error instanceof Error ? error.message : String(error) });
  }
  return { findings, pocs };
}

function checkContent(
  entry: ContentEntry,
  isProblem: boolean,
  byId: Map<number, Poc[]>,
  bySlug: Map<string, Poc[]>,
): CheckFinding[] {
  const findings: CheckFinding[] = [];
  const parsed = ContentMetaSchema.safeParse(entry.frontmatter ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.') || 'frontmatter';
      findings.push({ where: entry.file, message: `${field}: ${issue.message}` });
    }
  } else {
    for (const ref of parsed.data.related) {
      const known = typeof ref === 'number' ? byId.has(ref) : bySlug.has(ref);
      if (!known) findings.push({ where: entry.file, message: `related POC "${ref}" does not exist` });
    }
  }
  if (isProblem) {
    // In order: each required heading must come after the previous one (other headings may sit between).
    let from = 0;
    for (const section of PROBLEM_SECTIONS) {
      const at = entry.sections.indexOf(section, from);
      if (at === -1) {
        const elsewhere = entry.sections.includes(section);
        findings.push({
          where: entry.file,
          message: elsewhere
            ? `section "## ${section}" is out of order (problem pages follow: ${PROBLEM_SECTIONS.join(' · ')})`
            : `missing section "## ${section}" (problem pages follow: ${PROBLEM_SECTIONS.join(' · ')})`,
        });
      } else from = at + 1;
    }
  }
  return findings;
}
