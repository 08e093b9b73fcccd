import pc from 'picocolors';

/** picocolors already honours NO_COLOR, FORCE_COLOR and non-TTY output. */
export const color = pc;

/** Program output: stdout. */
export function out(line = ''): void {
  process.stdout.write(`${line}\n`);
}

/** Logs, progress and diagnostics: stderr, so `--json` stdout stays machine-readable. */
export function err(line = ''): void {
  process.stderr.write(`${line}\n`);
}

export interface TableColumn {
  label: string;
  align?: 'left' | 'right';
}

/** A plain-text table that reads well in any terminal and in a pasted log. */
export function renderTable(columns: TableColumn[], rows: (string | number)[][]): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = columns.map((c, i) =>
    Math.max(c.label.length, ...cells.map((r) => visibleLength(r[i] ?? ''))),
  );
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)));
    return columns[i]?.align === 'right' ? gap + text : text + gap;
  };
  const header = columns.map((c, i) => pad(c.label, i)).join('  ');
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [
    color.bold(header),
    color.dim(rule),
    ...cells.map((r) => r.map((c, i) => pad(c, i)).join('  ')),
  ].join('\n');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes is the point
const ANSI = /\u001b\[[0-9;]*m/g;
function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** Formats a number for a table: integers with thousands separators, others to 2-3 significant decimals. */
export function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '–' : String(value);
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 2 : 3;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}
