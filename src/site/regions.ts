/**
 * Region markers: the way articles, problems and POC pages show code without pasting it.
 *
 *   // #region acquire          (TypeScript, JavaScript, SQL-less C-likes)
 *   -- #region acquire          (Lua, SQL)
 *   # #region acquire           (YAML, shell, Python)
 *   ...
 *   // #endregion acquire
 *
 * Every region is named, and every `#endregion` names the region it closes. A file's markers are
 * checked as a whole whenever anything of it is shown: a missing, duplicated, unclosed or crossed
 * marker is an IncludeError that names the file, the line and the region, and the site build stops.
 */

export class IncludeError extends Error {
  override name = 'IncludeError';
}

export interface Region {
  name: string;
  /** 1-based line of the `#region` marker. */
  startLine: number;
  /** 1-based line of the `#endregion` marker. */
  endLine: number;
  /** 0 for a top-level region, 1 inside another, ... */
  depth: number;
}

const MARKER = /^\s*(?:\/\/|--|#)\s*#(region|endregion)\b[ \t]*(.*?)\s*$/;
const NAME = /^[A-Za-z0-9][\w.-]*$/;

function markerOf(line: string): { kind: 'region' | 'endregion'; name: string } | null {
  const m = MARKER.exec(line);
  if (!m) return null;
  return { kind: m[1] as 'region' | 'endregion', name: m[2] ?? '' };
}

/** All regions of a file, validated. `file` is only used in error messages (repo-relative path). */
export function parseRegions(file: string, source: string): Region[] {
  return regionsOf(file, source.split(/\r?\n/));
}

function regionsOf(file: string, lines: string[]): Region[] {
  const open: { name: string; line: number }[] = [];
  const regions: Region[] = [];
  const seen = new Map<string, number>();
  lines.forEach((line, index) => {
    const marker = markerOf(line);
    if (!marker) return;
    const lineNo = index + 1;
    if (!NAME.test(marker.name)) {
      throw new IncludeError(
        `${file}:${lineNo}: "#${marker.kind}" needs a name made of letters, digits, "-", "_" or "." (e.g. "// #${marker.kind} acquire")`,
      );
    }
    if (marker.kind === 'region') {
      const previous = seen.get(marker.name);
      if (previous !== undefined) {
        throw new IncludeError(
          `${file}:${lineNo}: region "${marker.name}" is opened twice (first at line ${previous}); region names must be unique in a file`,
        );
      }
      seen.set(marker.name, lineNo);
      open.push({ name: marker.name, line: lineNo });
      return;
    }
    const top = open.at(-1);
    if (!top || !open.some((o) => o.name === marker.name)) {
      throw new IncludeError(
        `${file}:${lineNo}: "#endregion ${marker.name}" has no matching "#region ${marker.name}" before it`,
      );
    }
    if (top.name !== marker.name) {
      throw new IncludeError(
        `${file}:${lineNo}: "#endregion ${marker.name}" closes before region "${top.name}" (opened at line ${top.line}); regions must nest`,
      );
    }
    open.pop();
    regions.push({ name: top.name, startLine: top.line, endLine: lineNo, depth: open.length });
  });
  const unclosed = open.at(-1);
  if (unclosed) {
    throw new IncludeError(
      `${file}:${unclosed.line}: region "${unclosed.name}" is never closed (add "#endregion ${unclosed.name}")`,
    );
  }
  return regions.sort((a, b) => a.startLine - b.startLine);
}

/** Removes common leading indentation and blank lines at both ends. */
function dedent(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]?.trim() === '') start++;
  while (end > start && lines[end - 1]?.trim() === '') end--;
  const body = lines.slice(start, end);
  const indents = body.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)?.[0].length ?? 0);
  const cut = indents.length ? Math.min(...indents) : 0;
  return body.map((l) => l.slice(cut));
}

/** A source file whose markers have been checked (once): its regions, and the text of each. */
export interface MarkedSource {
  /** Every region, in order of its `#region` line. */
  regions: Region[];
  /** The whole file without any marker line: what a "whole file" view shows. */
  whole(): string;
  /** One region, markers of nested regions removed, dedented. */
  region(name: string): string;
}

/** Validates every marker of the file (throws an IncludeError naming file, line and region). */
export function markedSource(file: string, source: string): MarkedSource {
  const lines = source.split(/\r?\n/);
  const regions = regionsOf(file, lines);
  const withoutMarkers = (part: string[]) => dedent(part.filter((line) => !markerOf(line)));
  return {
    regions,
    whole: () => `${withoutMarkers(lines).join('\n')}\n`,
    region(name) {
      const found = regions.find((r) => r.name === name);
      if (!found) {
        const known = regions.map((r) => r.name);
        throw new IncludeError(
          `${file}: region "${name}" not found — add "// #region ${name}" … "// #endregion ${name}" (or "--"/"#" comments)` +
            (known.length ? `; regions in this file: ${known.join(', ')}` : '; this file has no regions'),
        );
      }
      const body = withoutMarkers(lines.slice(found.startLine, found.endLine - 1));
      if (body.length === 0) throw new IncludeError(`${file}:${found.startLine}: region "${name}" is empty`);
      return `${body.join('\n')}\n`;
    },
  };
}

/** The file without any region marker lines (markers validated). */
export function stripMarkers(file: string, source: string): string {
  return markedSource(file, source).whole();
}

/** The text of one region, or the whole file without markers when `region` is undefined. */
export function extractRegion(file: string, source: string, region?: string): string {
  const marked = markedSource(file, source);
  return region === undefined ? marked.whole() : marked.region(region);
}
