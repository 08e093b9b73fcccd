import type { ResultFile } from '../results/schema.ts';
import { color, formatNumber, out, renderTable } from './output.ts';

/** The measured figures of one run, as terminal tables. */
export function printResults(result: ResultFile): void {
  out();
  if (result.figures.length) {
    out(
      renderTable(
        [{ label: 'Figure' }, { label: 'Value', align: 'right' }],
        result.figures.map((f) => [f.label, `${formatNumber(f.value)}${f.unit ? ` ${f.unit}` : ''}`]),
      ),
    );
    out();
  }
  for (const table of result.tables) {
    out(color.bold(table.title));
    out(
      renderTable(
        table.columns.map((c) => ({
          label: c.unit ? `${c.label} (${c.unit})` : c.label,
          align: 'right' as const,
        })),
        table.rows.map((row) => table.columns.map((c) => formatNumber(row[c.key]))),
      ),
    );
    out();
  }
  if (result.comparisons.length) {
    out(color.bold('Side by side (same run, same machine)'));
    out(
      renderTable(
        [
          { label: 'Comparison' },
          { label: 'Baseline', align: 'right' },
          { label: 'Candidate', align: 'right' },
          { label: 'Ratio', align: 'right' },
        ],
        result.comparisons.map((c) => [
          c.title,
          `${c.baseline.label}: ${formatNumber(c.baseline.value)} ${c.unit}`,
          `${c.candidate.label}: ${formatNumber(c.candidate.value)} ${c.unit}`,
          `${formatNumber(c.ratio)}x (${c.better} is better)`,
        ]),
      ),
    );
    out();
  }
  for (const note of result.notes) out(color.dim(`• ${note}`));
  const m = result.machine;
  out(
    color.dim(
      `measured on ${m.cpuModel} · ${m.cores} cores · ${m.os} · Node ${m.node}` +
        (result.services.length
          ? ` · ${result.services.map((s) => `${s.name} ${s.version}`).join(', ')}`
          : '') +
        ` · ${(result.durationMs / 1000).toFixed(1)} s`,
    ),
  );
}
