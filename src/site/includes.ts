/**
 * Markdown preprocessing for every page built from the repository (POC READMEs, articles, problems).
 *
 * Code include — an EMPTY fenced block whose info string has `include="<path>[#<region>]"`:
 *
 *   ```ts include="pocs/databases/connection-pool-sizing/MonitoredPool.ts#acquire"
 *   ```
 *
 *   The path is relative to the repository root, or to the markdown file when it starts with ./ or ../.
 *   Without `#region` the whole file is shown (markers removed). `title="..."` overrides the caption.
 *
 * Result include — a line of its own:
 *
 *   ::results{poc="71" table="pool-size-sweep"}    a result table, with its chart when it has one
 *   ::results{poc="connection-pool-sizing" figures}       the run's key figures
 *   ::results{poc="71" comparisons}                the run's comparisons
 *   (add chart="false" to leave a table's chart out)
 *
 * Inline figure — `:result{poc="71" figure="<key>"}` or `:result{poc="71" comparison="<id>"}` (the ratio)
 * inside a sentence, so that prose never types a measured number.
 *
 * ```mermaid blocks become <pre class="mermaid">, drawn in the browser by the locally bundled mermaid.
 * Relative links to POC folders, articles, problems and result files become links to their pages.
 *
 * Anything that cannot be resolved throws an IncludeError naming the markdown file, and the build stops.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ResultFile } from '../results/schema.ts';
import { escapeHtml, formatNumber, formatValue } from './html.ts';
import { extractRegion, IncludeError } from './regions.ts';
import { renderComparisons, renderFigures, renderProvenance, renderTableWithChart } from './resultsHtml.ts';

export interface ResultRef {
  result: ResultFile;
  /** Repo-relative path of the result file. */
  file: string;
  /** Site path of the POC page that measured it. */
  pocHref: string;
}

export interface IncludeContext {
  /** Absolute repository root. */
  root: string;
  /** Repo-relative path of the markdown file being expanded (for messages and ./ paths). */
  file: string;
  /**
   * The latest result of a POC given by id or slug: the result, `'no-poc'` when no POC has that id
   * or slug, or `'not-run'` when the POC exists but has no result file yet.
   */
  result(ref: string): ResultRef | 'no-poc' | 'not-run';
  /** The site path for a repo-relative path (POC folder, article, problem, result file), or null. */
  linkFor(repoPath: string): string | null;
  /** Called for a relative link that leads to no page: the link is replaced by its text. */
  warn?(message: string): void;
}

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const LANGS: Record<string, string> = {
  ts: 'ts',
  mts: 'ts',
  cts: 'ts',
  tsx: 'tsx',
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  json: 'json',
  lua: 'lua',
  sql: 'sql',
  yaml: 'yaml',
  yml: 'yaml',
  sh: 'sh',
  bash: 'sh',
  py: 'py',
  md: 'md',
  conf: 'ini',
  toml: 'toml',
};

export function languageOf(file: string): string {
  return LANGS[path.extname(file).slice(1).toLowerCase()] ?? 'text';
}

/** `key="value" key=value flag` → record (flags are `true`). */
export function parseAttributes(text: string): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  const re = /([A-Za-z][\w-]*)(?:=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+)))?/g;
  for (const m of text.matchAll(re)) {
    const key = m[1] ?? '';
    out[key] = m[2] ?? m[3] ?? m[4] ?? true;
  }
  return out;
}

/**
 * A titled code block, its fence longer than any backtick run in the code (so code can contain
 * fences). How every block of included or shown code is written.
 */
export function codeFence(lang: string, title: string, code: string, indent = ''): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const body = code.replace(/\n$/, '').replaceAll('\n', `\n${indent}`);
  return `${indent}${fence}${lang} title=${JSON.stringify(title)}\n${indent}${body}\n${indent}${fence}`;
}

/**
 * Resolves a path against the markdown file (`relativeToFile`; by default when it starts with ./ or
 * ../, as includes are written) or else the repo root; refuses to leave the repo.
 */
function resolveRepoPath(
  ctx: Pick<IncludeContext, 'root' | 'file'>,
  target: string,
  relativeToFile = target.startsWith('./') || target.startsWith('../'),
): string {
  const base = relativeToFile ? path.posix.dirname(ctx.file) : '';
  const rel = path.posix.normalize(path.posix.join(base, target));
  if (rel.startsWith('..') || path.posix.isAbsolute(rel)) {
    throw new IncludeError(`${ctx.file}: include "${target}" points outside the repository`);
  }
  return rel;
}

async function readInclude(
  ctx: IncludeContext,
  spec: string,
): Promise<{ rel: string; region?: string; code: string }> {
  const hash = spec.lastIndexOf('#');
  const target = hash >= 0 ? spec.slice(0, hash) : spec;
  const region = hash >= 0 ? spec.slice(hash + 1) : undefined;
  if (!target) throw new IncludeError(`${ctx.file}: include="${spec}" has no file path`);
  if (region === '')
    throw new IncludeError(`${ctx.file}: include="${spec}" has an empty region name after "#"`);
  const rel = resolveRepoPath(ctx, target);
  let source: string;
  try {
    source = await readFile(path.join(ctx.root, rel), 'utf8');
  } catch {
    throw new IncludeError(`${ctx.file}: include "${spec}": file ${rel} not found`);
  }
  try {
    return { rel, region, code: extractRegion(rel, source, region) };
  } catch (error) {
    if (error instanceof IncludeError)
      throw new IncludeError(`${ctx.file}: include "${spec}": ${error.message}`);
    throw error;
  }
}

function lookupResult(ctx: IncludeContext, attrs: Record<string, string | true>, what: string): ResultRef {
  const poc = attrs.poc;
  if (typeof poc !== 'string' || !poc) {
    throw new IncludeError(`${ctx.file}: ${what} needs poc="<id or slug>"`);
  }
  const found = ctx.result(poc);
  if (found === 'no-poc') throw new IncludeError(`${ctx.file}: ${what}: no POC has the id or slug "${poc}"`);
  if (found === 'not-run') {
    throw new IncludeError(
      `${ctx.file}: ${what}: POC "${poc}" has no result file yet — run \`npm run sdlab -- run ${poc}\` to measure it`,
    );
  }
  return found;
}

/** `::results{...}` → HTML block. */
function renderResultsDirective(ctx: IncludeContext, attrText: string, idPrefix: string): string {
  const attrs = parseAttributes(attrText);
  const directive = `::results{${attrText}}`;
  const { result, file, pocHref } = lookupResult(ctx, attrs, directive);
  let body: string;
  if (typeof attrs.table === 'string') {
    const table = result.tables.find((t) => t.id === attrs.table);
    if (!table) {
      const ids = result.tables.map((t) => t.id);
      throw new IncludeError(
        `${ctx.file}: ${directive}: ${file} has no table "${attrs.table}"${ids.length ? ` (tables: ${ids.join(', ')})` : ' (it has no tables)'}`,
      );
    }
    try {
      body = renderTableWithChart(result, table, { chart: attrs.chart !== 'false', idPrefix });
    } catch (error) {
      throw new IncludeError(`${ctx.file}: ${directive}: ${(error as Error).message}`);
    }
  } else if (attrs.figures === true) {
    body = renderFigures(result);
    if (!body) throw new IncludeError(`${ctx.file}: ${directive}: ${file} has no figures`);
  } else if (attrs.comparisons === true) {
    body = renderComparisons(result);
    if (!body) throw new IncludeError(`${ctx.file}: ${directive}: ${file} has no comparisons`);
  } else {
    throw new IncludeError(`${ctx.file}: ${directive} needs table="<table id>", figures or comparisons`);
  }
  return `<div class="sdl-include">${body}${renderProvenance(result, pocHref)}</div>`;
}

/** `:result{...}` → an inline figure. */
function renderInlineResult(ctx: IncludeContext, attrText: string): string {
  const attrs = parseAttributes(attrText);
  const directive = `:result{${attrText}}`;
  const { result, file } = lookupResult(ctx, attrs, directive);
  if (typeof attrs.figure === 'string') {
    const fig = result.figures.find((x) => x.key === attrs.figure);
    if (!fig) {
      throw new IncludeError(
        `${ctx.file}: ${directive}: ${file} has no figure "${attrs.figure}" (figures: ${result.figures.map((x) => x.key).join(', ') || 'none'})`,
      );
    }
    return `<span class="sdl-figure">${escapeHtml(formatValue(fig.value, fig.unit))}</span>`;
  }
  if (typeof attrs.comparison === 'string') {
    const cmp = result.comparisons.find((x) => x.id === attrs.comparison);
    if (!cmp) {
      throw new IncludeError(
        `${ctx.file}: ${directive}: ${file} has no comparison "${attrs.comparison}" (comparisons: ${result.comparisons.map((x) => x.id).join(', ') || 'none'})`,
      );
    }
    return `<span class="sdl-figure">${escapeHtml(formatNumber(cmp.ratio))}×</span>`;
  }
  throw new IncludeError(`${ctx.file}: ${directive} needs figure="<key>" or comparison="<id>"`);
}

const LINK = /(!?)\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]+)>?((?:\s+"[^"]*")?)\s*\)/g;
const REF_DEF = /^( {0,3}\[[^\]]+\]:\s*)(\S+)(.*)$/;

function isRelative(url: string): boolean {
  return !/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(url);
}

function rewriteTarget(ctx: IncludeContext, url: string): string | null {
  const hashAt = url.indexOf('#');
  const target = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const hash = hashAt >= 0 ? url.slice(hashAt) : '';
  let rel: string;
  try {
    rel = resolveRepoPath(ctx, target, true); // a link is always relative to its markdown file
  } catch {
    return null;
  }
  const href = ctx.linkFor(rel);
  if (!href) return null;
  return href.includes('#') ? href : href + hash;
}

/** Inline code spans are left alone: directives and links inside backticks are examples, not content. */
function outsideCode(line: string, fn: (text: string) => string): string {
  const parts = line.split(/(`+[^`]*`+)/);
  return parts.map((part, i) => (i % 2 === 1 ? part : fn(part))).join('');
}

function rewriteLine(ctx: IncludeContext, line: string): string {
  const def = REF_DEF.exec(line);
  if (def && isRelative(def[2] ?? '')) {
    const href = rewriteTarget(ctx, def[2] ?? '');
    if (href) return `${def[1]}${href}${def[3]}`;
    ctx.warn?.(`${ctx.file}: link target "${def[2]}" has no page on the site`);
    return `${def[1]}#${def[3]}`;
  }
  // Links first, on the whole line: a link's label may itself be inline code ([`Pool.ts`](Pool.ts)).
  const linked = line.replace(LINK, (whole, bang: string, label: string, url: string, title: string) => {
    if (bang || !isRelative(url)) return whole;
    const href = rewriteTarget(ctx, url);
    if (href) return `[${label}](${href}${title})`;
    ctx.warn?.(`${ctx.file}: link target "${url}" has no page on the site; showing the text only`);
    return label;
  });
  return outsideCode(linked, (text) =>
    text.replace(/:result\{([^}]*)\}/g, (_whole, attrs: string) => renderInlineResult(ctx, attrs)),
  );
}

/** Expands includes, result directives, mermaid blocks and relative links of one markdown document. */
export async function expandMarkdown(markdown: string, ctx: IncludeContext): Promise<string> {
  const lines = markdown.split(/\r?\n/);
  const out: string[] = [];
  let directiveCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = FENCE.exec(line);
    if (open && !(open[2]?.startsWith('`') && open[3]?.includes('`'))) {
      const indent = open[1] ?? '';
      const marker = open[2] ?? '```';
      const info = (open[3] ?? '').trim();
      const body: string[] = [];
      let j = i + 1;
      const close = new RegExp(`^ {0,3}${marker[0] === '`' ? '`' : '~'}{${marker.length},}\\s*$`);
      while (j < lines.length && !close.test(lines[j] ?? '')) body.push(lines[j++] ?? '');
      const closed = j < lines.length;
      // The info string is a language (optional: `include="..."` alone is fine) and then attributes.
      const first = info.split(/\s+/)[0] ?? '';
      const lang = first.includes('=') ? '' : first;
      const attrs = parseAttributes(info.slice(lang.length));
      const spec = attrs.include;
      if (typeof spec === 'string') {
        if (!closed) throw new IncludeError(`${ctx.file}:${i + 1}: include block is never closed`);
        if (body.some((l) => l.trim() !== '')) {
          throw new IncludeError(
            `${ctx.file}:${i + 1}: include block for "${spec}" must be empty — the code comes from the file, never a pasted copy`,
          );
        }
        const { rel, region, code } = await readInclude(ctx, spec);
        const title = typeof attrs.title === 'string' ? attrs.title : region ? `${rel} — ${region}` : rel;
        out.push(codeFence(lang || languageOf(rel), title, code, indent));
        i = j;
        continue;
      }
      if (lang === 'mermaid') {
        if (!closed) throw new IncludeError(`${ctx.file}:${i + 1}: mermaid block is never closed`);
        const source = escapeHtml(body.join('\n').trim());
        out.push('', `<pre class="mermaid sdl-mermaid" data-diagram="mermaid">${source}</pre>`, '');
        i = j;
        continue;
      }
      // Any other code block: copied as is (directives inside code are examples).
      out.push(line, ...body);
      if (closed) out.push(lines[j] ?? '');
      i = j;
      continue;
    }
    const directive = /^ {0,3}::results\{(.*)\}\s*$/.exec(line);
    if (directive) {
      out.push('', renderResultsDirective(ctx, directive[1] ?? '', `inc${++directiveCount}-`), '');
      continue;
    }
    if (/^ {0,3}::results\b/.test(line)) {
      throw new IncludeError(
        `${ctx.file}:${i + 1}: malformed directive "${line.trim()}" — write ::results{poc="<id>" table="<id>"}`,
      );
    }
    out.push(rewriteLine(ctx, line));
  }
  return out.join('\n');
}
