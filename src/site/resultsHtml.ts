/**
 * Result files (results/<id>-<slug>.json) as HTML: tables, their charts, headline figures,
 * comparisons and the machine they were measured on. Every number on the site passes through here.
 */
import type { ResultFile, ResultTable } from '../results/schema.ts';
import { chartFromTable } from './charts.ts';
import { dataTable, escapeHtml, formatNumber, formatValue, scrollBox, toId } from './html.ts';

function renderResultTable(table: ResultTable): string {
  const rows = table.rows.map((row) => {
    const cells = table.columns.map((c, i) => {
      const v = row[c.key];
      const text = escapeHtml(formatValue(v));
      const num = typeof v === 'number' ? ' class="sdl-num"' : '';
      return i === 0 ? `<th scope="row"${num}>${text}</th>` : `<td${num}>${text}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return dataTable({
    label: table.title,
    caption: table.title,
    head: table.columns.map(
      (c) =>
        `${escapeHtml(c.label)}${c.unit ? ` <span class="sdl-unit">(${escapeHtml(c.unit)})</span>` : ''}`,
    ),
    rows,
  });
}

export function renderTableWithChart(
  result: ResultFile,
  table: ResultTable,
  opts: { chart?: boolean; idPrefix?: string } = {},
): string {
  const id = `${opts.idPrefix ?? ''}chart-${result.poc.id}-${toId(table.id)}`;
  const chart = opts.chart === false ? '' : chartFromTable(table, id);
  const parts = [`<figure class="sdl-result" data-result-table="${escapeHtml(table.id)}">`];
  if (chart) parts.push(scrollBox(`Chart: ${table.chart?.title ?? table.title}`, chart, 'sdl-chart-wrap'));
  parts.push(renderResultTable(table), '</figure>');
  return parts.join('');
}

export function renderFigures(result: ResultFile): string {
  if (result.figures.length === 0) return '';
  return dataTable({
    label: 'Key figures',
    caption: 'Key figures',
    cls: 'sdl-figures',
    head: ['Figure', 'Value'],
    rows: result.figures.map(
      (fig) =>
        `<tr><th scope="row">${escapeHtml(fig.label)}</th><td class="${typeof fig.value === 'number' ? 'sdl-num' : ''}">${escapeHtml(formatValue(fig.value, fig.unit))}</td></tr>`,
    ),
  });
}

export function renderComparisons(result: ResultFile): string {
  if (result.comparisons.length === 0) return '';
  const side = (s: { label: string; value: number }, unit: string) =>
    `<td>${escapeHtml(s.label)}: <span class="sdl-num">${escapeHtml(formatValue(s.value, unit))}</span></td>`;
  return dataTable({
    label: 'Comparisons',
    caption: 'Comparisons measured in the same run',
    cls: 'sdl-comparisons',
    head: ['Comparison', 'Baseline', 'Candidate', 'Candidate ÷ baseline', 'Better is'],
    rows: result.comparisons.map(
      (c) =>
        `<tr><th scope="row">${escapeHtml(c.title)}</th>${side(c.baseline, c.unit)}${side(c.candidate, c.unit)}` +
        `<td class="sdl-num">${escapeHtml(formatNumber(c.ratio))}×</td><td>${c.better}</td></tr>`,
    ),
  });
}

/** `2026-11-21T19:30:00.000Z` → `2026-11-21 19:30 UTC`. */
function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** `2026-11-21T19:30:00.000Z` → `2026-11-21`: the day, for lists. */
export function formatDay(iso: string): string {
  return formatDate(iso).slice(0, 10);
}

function renderMachine(result: ResultFile): string {
  const m = result.machine;
  const services = result.services.length
    ? result.services
        .map(
          (s) =>
            `${s.name} ${s.version} (${s.source === 'ephemeral' ? 'started for the run' : 'existing server'})`,
        )
        .join(', ')
    : 'none';
  const rows: [string, string][] = [
    ['CPU', m.cpuModel],
    ['Cores', String(m.cores)],
    ['Memory', `${formatNumber(m.memoryGiB)} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['Services', services],
    ['Measured', formatDate(result.date)],
    ['Commit', result.commit ?? 'not in a git checkout'],
    ['Run took', formatValue(Math.round(result.durationMs / 100) / 10, 's')],
  ];
  return `<dl class="sdl-machine" aria-label="Machine the results were measured on">${rows
    .map(([k, v]) => `<div><dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd></div>`)
    .join('')}</dl>`;
}

/** One line under an included table: where and when it was measured, and a link to the full run. */
export function renderProvenance(result: ResultFile, pocHref: string): string {
  const m = result.machine;
  return (
    `<p class="sdl-provenance">Measured by <a href="${escapeHtml(pocHref)}">POC #${result.poc.id} ${escapeHtml(result.poc.title)}</a> ` +
    `on ${escapeHtml(formatDate(result.date))}: ${escapeHtml(m.cpuModel)}, ${m.cores} cores, ${escapeHtml(m.node)}` +
    `${result.services.length ? `, ${escapeHtml(result.services.map((s) => `${s.name} ${s.version}`).join(', '))}` : ''}` +
    `${result.commit ? `, commit <code>${escapeHtml(result.commit)}</code>` : ''}.</p>`
  );
}

/** Everything a POC page shows of its latest run. */
export function renderFullResult(result: ResultFile): string {
  const parts: string[] = [];
  parts.push(renderFigures(result));
  parts.push(renderComparisons(result));
  for (const table of result.tables) parts.push(renderTableWithChart(result, table));
  if (result.notes.length) {
    parts.push(`<ul class="sdl-notes">${result.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>`);
  }
  parts.push('<p class="sdl-machine-title"><strong>Measured on</strong></p>', renderMachine(result));
  return `<div class="sdl-results">${parts.filter(Boolean).join('')}</div>`;
}
