import { parse } from 'yaml';

export interface Frontmatter {
  data: unknown;
  body: string;
}

/** Splits `---\n<yaml>\n---\n<markdown>`; a file without frontmatter has data `undefined`. */
export function parseFrontmatter(source: string): Frontmatter {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(source);
  if (!match) return { data: undefined, body: source };
  return { data: parse(match[1] ?? ''), body: source.slice(match[0].length) };
}

/** `## Heading` lines of a markdown body, in order (fenced code is skipped). */
export function headings(body: string, level = 2): string[] {
  const out: string[] = [];
  let inFence = false;
  const prefix = `${'#'.repeat(level)} `;
  for (const line of body.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line)) inFence = !inFence;
    else if (!inFence && line.startsWith(prefix)) out.push(line.slice(prefix.length).trim());
  }
  return out;
}
