/**
 * The generate step: turns the repository into Starlight pages under site/src/content/docs/ (and the
 * sidebar into site/src/generated/sidebar.json). Both are rewritten from scratch at every build and
 * are gitignored: adding a POC, an article or a problem needs no change here.
 *
 *   /                      home              index.md
 *   /categories/<id>/      category pages    categories/<id>.md
 *   /pocs/  /pocs/<slug>/  catalog, POCs     pocs/index.md, pocs/<slug>.md
 *   /articles/<slug>/      articles          articles/<slug>.md   (from content/articles)
 *   /problems/<slug>/      problems at scale problems/<slug>.md   (from content/problems)
 *   /progress/             coverage          progress.md
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { stringify } from 'yaml';
import { CATEGORIES, categoryTitle } from '../catalog/categories.ts';
import type { Poc } from '../catalog/load.ts';
import { REPO_ROOT } from '../paths.ts';
import { resultFileName } from '../results/resultFile.ts';
import type { KindProgress } from '../roadmap/progress.ts';
import type { RoadmapItem } from '../roadmap/schema.ts';
import { renderProgressChart } from './charts.ts';
import type { ContentDoc } from './contentSchema.ts';
import { dataTable, escapeHtml, scrollBox } from './html.ts';
import { codeFence, expandMarkdown, languageOf } from './includes.ts';
import {
  href,
  inCategory,
  includeContext,
  loadSiteModel,
  relatedOfDoc,
  relatedOfPoc,
  type SiteModel,
} from './model.ts';
import { markedSource } from './regions.ts';
import { formatDay, renderFullResult } from './resultsHtml.ts';

export const SITE_DIR = path.join(REPO_ROOT, 'site');
/** Whole files up to this many lines are shown open; longer ones are folded. */
const SMALL_FILE_LINES = 120;

export interface GenerateOptions {
  /** Repository to read (default: this checkout). */
  root?: string;
  /** Astro project to write into (default: site/). */
  siteDir?: string;
}

export interface GenerateReport {
  pages: string[];
  warnings: string[];
}

interface Page {
  path: string;
  frontmatter: Record<string, unknown>;
  body: string;
}

type SidebarItem =
  | { label: string; link: string; badge?: { text: string; variant: string } }
  | { label: string; collapsed?: boolean; items: SidebarItem[] };

// --- small pieces -----------------------------------------------------------------------------

function link(to: string, text: string): string {
  return `<a href="${escapeHtml(to)}">${escapeHtml(text)}</a>`;
}

function pocLabel(p: Poc): string {
  return `#${p.meta.id} ${p.meta.title}`;
}

/** A decorative bar; the numbers beside it are the accessible text. */
function bar(built: number, target: number): string {
  const pct = target > 0 ? Math.min(100, (built / target) * 100) : built > 0 ? 100 : 0;
  if (pct === 0) return '<span class="sdl-bar-track" aria-hidden="true"></span>';
  return `<span class="sdl-bar-track" aria-hidden="true"><span class="sdl-bar-fill" style="width:${pct.toFixed(1)}%"></span></span>`;
}

function kindLine(name: string, k: KindProgress): string {
  return `<li><span class="sdl-kind">${escapeHtml(name)}</span> <span class="sdl-count">${k.built} of ${k.target}</span>${bar(k.built, k.target)}</li>`;
}

/** Progress of the three kinds, for a category or in total. */
type Coverage = { pocs: KindProgress; articles: KindProgress; problems: KindProgress };

function coverage(p: Coverage): string {
  const lines = [kindLine('POCs', p.pocs), kindLine('Articles', p.articles)];
  // A category whose plans set no problem pages (and has none) does not show an empty "0 of 0".
  if (p.problems.target > 0 || p.problems.built > 0) lines.push(kindLine('Problems', p.problems));
  return `<ul class="sdl-coverage">${lines.join('')}</ul>`;
}

function pocCard(model: SiteModel, p: Poc): string {
  const result = model.results.get(p.meta.id);
  const facts = [
    p.meta.services.length ? `services: ${p.meta.services.join(', ')}` : 'no services',
    result ? `measured ${formatDay(result.result.date)}` : 'not measured yet',
  ];
  return (
    `<li class="sdl-card"><a class="sdl-card-title" href="${href.poc(p)}">${escapeHtml(pocLabel(p))}</a>` +
    `<p>${escapeHtml(p.meta.summary)}</p><p class="sdl-card-meta">${escapeHtml(facts.join(' · '))}</p></li>`
  );
}

function docCard(d: ContentDoc): string {
  return (
    `<li class="sdl-card"><a class="sdl-card-title" href="${href.doc(d)}">${escapeHtml(d.meta.title)}</a>` +
    `<p>${escapeHtml(d.meta.description)}</p></li>`
  );
}

function cards(items: string[], empty: string): string {
  return items.length
    ? `<ul class="sdl-cards">${items.join('')}</ul>`
    : `<p class="sdl-empty">${escapeHtml(empty)}</p>`;
}

/** How each kind of thing is headed in lists. */
const KIND_NAMES: Record<RoadmapItem['kind'], string> = {
  poc: 'POCs',
  article: 'Articles',
  problem: 'Problems at scale',
};

function missingList(items: RoadmapItem[], open = false): string {
  if (items.length === 0) return '<p class="sdl-empty">Everything the plans list here is built.</p>';
  const groups = (['poc', 'article', 'problem'] as const)
    .map((kind) => {
      const list = items.filter((i) => i.kind === kind);
      if (list.length === 0) return '';
      const lis = list
        .map(
          (i) =>
            `<li>${escapeHtml(i.title)} <code class="sdl-id">${escapeHtml(i.id)}</code>${i.plan ? ` <span class="sdl-unit">(plan #${i.plan})</span>` : ''}</li>`,
        )
        .join('');
      return `<details class="sdl-missing"${open ? ' open' : ''}><summary>${KIND_NAMES[kind]} not built yet: ${list.length}</summary><ul>${lis}</ul></details>`;
    })
    .filter(Boolean);
  return groups.join('');
}

function relatedSection(rel: { pocs: Poc[]; articles: ContentDoc[]; problems: ContentDoc[] }): string {
  const group = (title: string, items: string[]) =>
    items.length ? `<div><p class="sdl-related-title">${title}</p><ul>${items.join('')}</ul></div>` : '';
  const docs = (kind: ContentDoc['kind'], list: ContentDoc[]) =>
    group(
      KIND_NAMES[kind],
      list.map((d) => `<li>${link(href.doc(d), d.meta.title)}</li>`),
    );
  const html = [
    group(
      KIND_NAMES.poc,
      rel.pocs.map((p) => `<li>${link(href.poc(p), pocLabel(p))} — ${escapeHtml(p.meta.summary)}</li>`),
    ),
    docs('article', rel.articles),
    docs('problem', rel.problems),
  ].join('');
  return html ? `<div class="sdl-related">${html}</div>` : '<p class="sdl-empty">Nothing related yet.</p>';
}

/** Drops a leading `# Title` (the page already has the title). */
function withoutH1(body: string): string {
  return body.replace(/^\s*# [^\n]*\n/, '');
}

// --- POC source -------------------------------------------------------------------------------

/**
 * A folded, plain (unhighlighted) view of a whole file. Highlighted code costs ~400 bytes a line in
 * HTML; whole files and tests are folded away, so they are kept light.
 */
function foldedFile(summary: string, code: string): string {
  return (
    `<details class="sdl-file"><summary>${escapeHtml(summary)}</summary>\n\n` +
    // A line starting with <pre is an HTML block that runs to </pre>, blank lines included.
    `<pre class="sdl-plain" tabindex="0"><code>${escapeHtml(code.replace(/\n$/, ''))}</code></pre>\n\n</details>`
  );
}

async function codeBlocks(model: SiteModel, poc: Poc, file: string, folded: boolean): Promise<string> {
  const rel = `${poc.relDir}/${file}`;
  const lang = languageOf(file);
  // Validates every marker of the file: an unbalanced one stops the build here.
  const marked = markedSource(rel, await readFile(path.join(model.root, rel), 'utf8'));
  const regions = marked.regions.filter((r) => r.depth === 0);
  const whole = marked.whole();
  const lines = whole.split('\n').length - 1;
  if (!folded && regions.length > 0) {
    const blocks = regions.map((r) => codeFence(lang, `${file} — ${r.name}`, marked.region(r.name)));
    return [...blocks, foldedFile(`Whole file: ${file} (${lines} lines)`, whole)].join('\n\n');
  }
  if (!folded && lines <= SMALL_FILE_LINES) return codeFence(lang, file, whole);
  return foldedFile(`${file} (${lines} lines)`, whole);
}

const CODE_EXT = /\.(ts|mts|cts|tsx|js|mjs|cjs|lua|sql|ya?ml|sh|json|py|toml|conf)$/;

async function sourceSection(model: SiteModel, poc: Poc): Promise<string> {
  const out: string[] = [];
  const sources = poc.sourceFiles.filter((f) => CODE_EXT.test(f));
  out.push(
    `The code below is read from the files in <code>${escapeHtml(poc.relDir)}/</code> when the site is built — the same files the tests run. Marked regions are shown first; each file can be opened whole.`,
  );
  for (const file of sources) {
    out.push(`### ${file.replaceAll('_', '\\_')}`, await codeBlocks(model, poc, file, false));
  }
  const tests = poc.testFiles.map((f) => path.relative(poc.dir, f).split(path.sep).join('/'));
  if (poc.demoPath || tests.length) {
    out.push('### Demo and tests');
    if (poc.demoPath) out.push(await codeBlocks(model, poc, 'demo.ts', true));
    for (const t of tests) out.push(await codeBlocks(model, poc, t, true));
  }
  return out.join('\n\n');
}

// --- pages ------------------------------------------------------------------------------------

async function pocPage(model: SiteModel, poc: Poc): Promise<Page> {
  const m = poc.meta;
  const ctx = includeContext(model, `${poc.relDir}/README.md`);
  const readme = await expandMarkdown(withoutH1(poc.body), ctx);
  const result = model.results.get(m.id);
  const meta = [
    `<span class="sdl-badge">POC #${m.id}</span>`,
    link(href.category(m.category), categoryTitle(m.category)),
    m.services.length ? `services: ${escapeHtml(m.services.join(', '))}` : 'no services needed',
    `runs in about ${m.expectedRunSeconds} s`,
    m.failure ? '<span class="sdl-badge sdl-badge-failure">failure scenario</span>' : '',
  ].filter(Boolean);
  const results = result
    ? `${renderFullResult(result.result)}\n\nRaw data: <code>${escapeHtml(result.file)}</code>, written by <code>npm run sdlab -- run ${escapeHtml(m.slug)}</code>.`
    : `<p class="sdl-empty">Not measured yet. Run <code>npm run sdlab -- run ${escapeHtml(m.slug)}</code> to write <code>results/${escapeHtml(resultFileName(m))}</code>.</p>`;
  const body = [
    `<p class="sdl-meta">${meta.join(' · ')}</p>`,
    `**Run it:**\n\n\`\`\`sh\nnpm run sdlab -- run ${m.slug}\n\`\`\``,
    readme,
    '## Measured results',
    results,
    '## Source code',
    await sourceSection(model, poc),
    '## Related',
    relatedSection(relatedOfPoc(model, poc)),
  ].join('\n\n');
  return {
    path: `pocs/${m.slug}.md`,
    frontmatter: { title: m.title, description: m.summary },
    body,
  };
}

async function docPage(model: SiteModel, doc: ContentDoc): Promise<Page> {
  const ctx = includeContext(model, doc.file);
  const body = await expandMarkdown(withoutH1(doc.body), ctx);
  const kindName = doc.kind === 'article' ? 'Article' : 'Problem at scale';
  const sources = doc.meta.sources
    .map(
      (s) =>
        `<li><a href="${escapeHtml(s.url)}">${escapeHtml(s.title)}</a> <span class="sdl-unit">${escapeHtml(new URL(s.url).hostname)}</span></li>`,
    )
    .join('');
  return {
    path: `${doc.kind}s/${doc.slug}.md`,
    frontmatter: { title: doc.meta.title, description: doc.meta.description },
    body: [
      `<p class="sdl-meta"><span class="sdl-badge">${kindName}</span> · ${link(href.category(doc.meta.category), categoryTitle(doc.meta.category))}</p>`,
      body,
      '## Sources',
      `<ul class="sdl-sources">${sources}</ul>`,
      '## Related',
      relatedSection(relatedOfDoc(model, doc)),
    ].join('\n\n'),
  };
}

type CategoryContents = ReturnType<typeof inCategory>;

function categoryPage(model: SiteModel, c: CategoryContents): Page {
  const id = c.category.id;
  return {
    path: `categories/${id}.md`,
    frontmatter: { title: c.category.title, description: `${c.category.title}: ${c.category.blurb}` },
    body: [
      `<p class="sdl-lede">${escapeHtml(c.category.blurb)}</p>`,
      `<p>Built so far, against the roadmap's targets for this category (${link(href.progress, 'all categories')}):</p>`,
      coverage(c.progress),
      '## POCs',
      cards(
        c.pocs.map((p) => pocCard(model, p)),
        'No POC in this category yet.',
      ),
      '## Articles',
      cards(c.articles.map(docCard), 'No article in this category yet.'),
      '## Problems at scale',
      cards(c.problems.map(docCard), 'No problem page in this category yet.'),
      '## Planned, not built yet',
      `<p>What the plans list for ${escapeHtml(c.category.title.toLowerCase())} that nothing in the repository covers yet (from <code>roadmap/${id}.yaml</code>).</p>`,
      missingList(c.progress.missing),
    ].join('\n\n'),
  };
}

function homePage(model: SiteModel, categories: CategoryContents[]): Page {
  const t = model.progress.totals;
  const categoryCards = categories.map(
    ({ category: cat, progress }) =>
      `<li class="sdl-card"><a class="sdl-card-title" href="${href.category(cat.id)}">${escapeHtml(cat.title)}</a>` +
      `<p>${escapeHtml(cat.blurb)}</p>${coverage(progress)}</li>`,
  );
  return {
    path: 'index.md',
    frontmatter: {
      title: 'System Design Lab',
      description:
        'Learn production system design by running it: small, tested proofs of concept against real PostgreSQL, Redis and message brokers, with measured results.',
      template: 'splash',
      hero: {
        tagline:
          'Learn production system design by running it: tested proofs of concept against real infrastructure, with the numbers they measured.',
        actions: [
          { text: 'How to start', link: '#start', icon: 'right-arrow', variant: 'primary' },
          { text: 'Browse the POCs', link: href.pocs, icon: 'open-book', variant: 'secondary' },
          { text: 'Progress', link: href.progress, variant: 'minimal' },
        ],
      },
    },
    body: [
      '## What the lab is',
      'Every idea here comes with a small program that does it for real — a proof of concept (POC) that talks to a real database, cache or broker on your machine — plus tests that prove it behaves, and a demo that measures it. Articles explain the ideas; problem pages take a production failure apart. Every number on this site was measured by a demo and read from its result file; none is typed in by hand.',
      `So far: ${count(t.pocs.built, 'POC')}, ${count(t.articles.built, 'article')} and ${count(t.problems.built, 'problem page')}, against roadmap targets of ${t.pocs.target}, ${t.articles.target} and ${t.problems.target}.`,
      '## Start',
      'Serve this site on your machine (it builds itself the first time):',
      '```sh\nnpm install && npm start\n```',
      'Run every test, against real services:',
      '```sh\nnpm test\n```',
      'Then pick a POC and run its demo, e.g. `npm run sdlab -- run <slug>`; `npm run sdlab -- list` lists them all.',
      '## The ten categories',
      `<ul class="sdl-cards sdl-cards-wide">${categoryCards.join('')}</ul>`,
    ].join('\n\n'),
  };
}

function catalogPage(model: SiteModel): Page {
  const rows = model.pocs.map((p) => {
    const r = model.results.get(p.meta.id);
    return (
      `<tr><td class="sdl-num">${p.meta.id}</td><td>${link(href.poc(p), p.meta.title)}</td>` +
      `<td>${link(href.category(p.meta.category), categoryTitle(p.meta.category))}</td>` +
      `<td>${escapeHtml(p.meta.services.join(', ') || '—')}</td><td>${r ? escapeHtml(formatDay(r.result.date)) : 'not yet'}</td></tr>`
    );
  });
  const table = dataTable({
    label: 'All POCs',
    caption: 'All POCs',
    head: ['#', 'POC', 'Category', 'Services', 'Measured'],
    rows,
  });
  return {
    path: 'pocs/index.md',
    frontmatter: {
      title: 'All POCs',
      description:
        'Every proof of concept in the lab: what it shows, the services it runs against and when it was last measured.',
    },
    body: [
      `${model.pocs.length} POCs. Each one is a folder <code>pocs/&lt;category&gt;/&lt;slug&gt;/</code> with a README, the implementation, a demo and tests.`,
      model.pocs.length ? table : '<p class="sdl-empty">No POC yet.</p>',
    ].join('\n\n'),
  };
}

function docIndexPage(model: SiteModel, kind: 'article' | 'problem'): Page {
  const docs = kind === 'article' ? model.articles : model.problems;
  const sections = CATEGORIES.map((cat) => {
    const list = docs.filter((d) => d.meta.category === cat.id);
    return list.length ? `## ${cat.title}\n\n${cards(list.map(docCard), '')}` : '';
  }).filter(Boolean);
  return {
    path: `${kind}s/index.md`,
    frontmatter:
      kind === 'article'
        ? {
            title: 'Articles',
            description:
              'Articles of the lab: the ideas behind the POCs, with code cut from the tested sources and measured results.',
          }
        : {
            title: 'Problems at scale',
            description:
              'Production failures taken apart: what fails, why, and how to prevent, detect and recover — each backed by a POC.',
          },
    body: sections.length ? sections.join('\n\n') : `<p class="sdl-empty">Nothing here yet.</p>`,
  };
}

function progressPage(model: SiteModel): Page {
  const p = model.progress;
  const chart = renderProgressChart(
    p.categories.map((c) => ({ label: c.title, bars: [c.pocs, c.articles, c.problems] })),
    ['POCs', 'Articles', 'Problems'],
    'progress-chart',
    'POCs, articles and problems built against the roadmap targets, per category',
  );
  const cell = (k: KindProgress) => `<td class="sdl-num">${k.built} / ${k.planned} / ${k.target}</td>`;
  const row = (head: string, k: Coverage, cls = '') =>
    `<tr${cls}><th scope="row">${head}</th>${cell(k.pocs)}${cell(k.articles)}${cell(k.problems)}<td class="sdl-num">${k.pocs.percent}%</td></tr>`;
  const table = dataTable({
    label: 'Coverage per category',
    caption: 'Built / named in the plans / target',
    head: ['Category', 'POCs', 'Articles', 'Problems', 'POCs, % of target'],
    rows: [
      ...p.categories.map((c) => row(link(href.category(c.category), c.title), c)),
      row('All', p.totals, ' class="sdl-total"'),
    ],
  });
  const missing = p.categories
    .filter((c) => c.missing.length)
    .map((c) => `### ${c.title}\n\n${missingList(c.missing)}`)
    .join('\n\n');
  return {
    path: 'progress.md',
    frontmatter: {
      title: 'Progress',
      description:
        'How much of the roadmap is built: POCs, articles and problems per category against the targets, and what is still missing.',
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 2 },
    },
    body: [
      'Coverage is computed at build time from what is in the repository (POC folders, <code>content/</code>) against the roadmap in <code>roadmap/*.yaml</code>; nothing here is edited by hand.',
      `<figure class="sdl-result">${chart ? scrollBox('Progress chart', chart, 'sdl-chart-wrap') : ''}</figure>`,
      table,
      `## Not built yet\n\n${p.totals.missing} items the plans list have nothing built for them yet.`,
      missing || '<p class="sdl-empty">Nothing is missing.</p>',
    ].join('\n\n'),
  };
}

function notFoundPage(): Page {
  return {
    path: '404.md',
    frontmatter: {
      title: 'Page not found',
      description: 'This page does not exist in System Design Lab.',
      template: 'splash',
      editUrl: false,
      pagefind: false,
      hero: {
        title: 'Page not found',
        tagline: 'Try the search, or start again from the home page.',
        actions: [{ text: 'Home', link: '/', variant: 'primary' }],
      },
    },
    body: '',
  };
}

function sidebar(categories: CategoryContents[]): SidebarItem[] {
  const start: SidebarItem = {
    label: 'Start here',
    items: [
      { label: 'Home', link: '/' },
      { label: 'Progress', link: href.progress },
      { label: 'All POCs', link: href.pocs },
      { label: 'Articles', link: href.articles },
      { label: 'Problems at scale', link: href.problems },
    ],
  };
  const doc = (variant: string) => (d: ContentDoc) => ({
    label: d.meta.title,
    link: href.doc(d),
    badge: { text: d.kind, variant },
  });
  const groups = categories.map(
    (c): SidebarItem => ({
      label: c.category.title,
      collapsed: true,
      items: [
        { label: 'Overview', link: href.category(c.category.id) },
        ...c.pocs.map((p) => ({
          label: p.meta.title,
          link: href.poc(p),
          badge: { text: `#${p.meta.id}`, variant: 'default' },
        })),
        ...c.articles.map(doc('note')),
        ...c.problems.map(doc('caution')),
      ],
    }),
  );
  return [start, ...groups];
}

async function writePage(docsDir: string, page: Page): Promise<void> {
  const target = path.join(docsDir, page.path);
  await mkdir(path.dirname(target), { recursive: true });
  const fm = stringify(page.frontmatter, { lineWidth: 0 }).trimEnd();
  await writeFile(target, `---\n${fm}\n---\n\n${page.body}\n`);
}

/** Reads the repository and writes the site's pages. Throws (naming the file) on anything unresolvable. */
export async function generateSite(options: GenerateOptions = {}): Promise<GenerateReport> {
  const root = options.root ?? REPO_ROOT;
  const siteDir = options.siteDir ?? SITE_DIR;
  const model = await loadSiteModel(root);
  const categories = CATEGORIES.map((c) => inCategory(model, c.id));
  const pages: Page[] = [
    homePage(model, categories),
    progressPage(model),
    catalogPage(model),
    notFoundPage(),
  ];
  pages.push(docIndexPage(model, 'article'), docIndexPage(model, 'problem'));
  for (const c of categories) pages.push(categoryPage(model, c));
  for (const poc of model.pocs) pages.push(await pocPage(model, poc));
  for (const doc of [...model.articles, ...model.problems]) pages.push(await docPage(model, doc));

  const docsDir = path.join(siteDir, 'src', 'content', 'docs');
  const generatedDir = path.join(siteDir, 'src', 'generated');
  await rm(docsDir, { recursive: true, force: true });
  await mkdir(docsDir, { recursive: true });
  await mkdir(generatedDir, { recursive: true });
  for (const page of pages) await writePage(docsDir, page);
  await writeFile(
    path.join(generatedDir, 'sidebar.json'),
    `${JSON.stringify(sidebar(categories), null, 2)}\n`,
  );
  return { pages: pages.map((p) => p.path), warnings: [...new Set(model.warnings)] };
}

/** `1 article`, `3 articles`. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
