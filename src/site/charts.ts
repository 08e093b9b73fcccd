/**
 * Charts as inline SVG, drawn at build time: no JavaScript on the page, a <title>/<desc> for screen
 * readers (the table beside each chart holds the exact values), and colours taken from CSS classes
 * (`sdl-s0`…) that site/src/styles/site.css sets for both the light and the dark theme.
 */
import type { ResultTable } from '../results/schema.ts';
import { escapeHtml, formatNumber } from './html.ts';

export interface ChartSeries {
  label: string;
  values: (number | null)[];
}

export interface ChartSpec {
  /** Unique on the page: used for the <title>/<desc> ids. */
  id: string;
  type: 'bar' | 'line';
  title: string;
  xLabel: string;
  yLabel: string;
  /** One label per x position. */
  categories: string[];
  /** Numeric x positions for a line chart (same length as categories), or null for evenly spaced. */
  xValues: number[] | null;
  /** Place numeric x positions on a log scale (when they span more than an order of magnitude). */
  xLog?: boolean;
  series: ChartSeries[];
}

const W = 640;
const SERIES_COUNT = 6;
const MARKERS = ['circle', 'square', 'diamond', 'triangle', 'circle', 'square'] as const;

/** 1, 2, 2.5 or 5 times a power of ten, at least `value`. */
function niceStep(value: number): number {
  if (value <= 0 || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= value) return m * power;
  return 10 * power;
}

export function niceScale(min: number, max: number, ticks = 5): { min: number; max: number; step: number } {
  if (min === max) {
    if (max === 0) return { min: 0, max: 1, step: 0.2 };
    min = Math.min(0, min);
    max = Math.max(0, max);
  }
  const step = niceStep((max - min) / ticks);
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step, step };
}

function tickValues(scale: { min: number; max: number; step: number }): number[] {
  const out: number[] = [];
  for (let v = scale.min; v <= scale.max + scale.step / 1e6; v += scale.step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

function seriesClass(i: number): string {
  return `sdl-s${i % SERIES_COUNT}`;
}

function markerKind(i: number): (typeof MARKERS)[number] {
  return MARKERS[i % MARKERS.length] ?? 'circle';
}

/** The opening of every chart: an accessible image named by its <title> and described by its <desc>. */
function svgOpen(id: string, height: number, title: string, desc: string): string {
  return (
    `<svg class="sdl-chart" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(desc)}</desc>`
  );
}

function marker(kind: (typeof MARKERS)[number], x: number, y: number, cls: string, tip: string): string {
  const t = `<title>${escapeHtml(tip)}</title>`;
  const r = 4.5;
  switch (kind) {
    case 'square':
      return `<rect class="${cls} sdl-mark" x="${f(x - r)}" y="${f(y - r)}" width="${r * 2}" height="${r * 2}">${t}</rect>`;
    case 'diamond':
      return `<path class="${cls} sdl-mark" d="M${f(x)} ${f(y - r - 1)}L${f(x + r + 1)} ${f(y)}L${f(x)} ${f(y + r + 1)}L${f(x - r - 1)} ${f(y)}Z">${t}</path>`;
    case 'triangle':
      return `<path class="${cls} sdl-mark" d="M${f(x)} ${f(y - r - 1)}L${f(x + r + 1)} ${f(y + r)}L${f(x - r - 1)} ${f(y + r)}Z">${t}</path>`;
    default:
      return `<circle class="${cls} sdl-mark" cx="${f(x)}" cy="${f(y)}" r="${r}">${t}</circle>`;
  }
}

/** Rounded coordinate, keeps the SVG small. */
function f(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function truncate(label: string, max: number): string {
  return label.length <= max ? label : `${label.slice(0, Math.max(1, max - 1))}…`;
}

/** Splits a label into at most `maxLines` lines of about `width` characters. */
export function wrapLabel(label: string, width: number, maxLines = 3): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of label.split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (next.length <= width || !current) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = truncate(`${kept[maxLines - 1]} ${lines.slice(maxLines).join(' ')}`, width);
    return kept.map((l) => truncate(l, width));
  }
  return lines.map((l) => truncate(l, width));
}

function describe(spec: ChartSpec): string {
  const parts = spec.categories.map((c, i) => {
    const vals = spec.series.map((s) => {
      const v = s.values[i];
      const text = v === null || v === undefined ? 'no value' : formatNumber(v);
      return spec.series.length > 1 ? `${s.label} ${text}` : text;
    });
    return `${c}: ${vals.join(', ')}`;
  });
  const kind = spec.type === 'bar' ? 'Bar chart' : 'Line chart';
  const text = `${kind} of ${spec.yLabel} by ${spec.xLabel}. ${parts.join('; ')}.`;
  return text.length > 600
    ? `${kind} of ${spec.yLabel} by ${spec.xLabel}; the values are in the table.`
    : text;
}

export function renderChart(spec: ChartSpec): string {
  const values = spec.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number');
  if (values.length === 0 || spec.categories.length === 0) return '';
  const n = spec.categories.length;
  const legend = spec.series.length > 1;
  const top = legend ? 44 : 20;
  const left = 72;
  const right = 20;
  const plotW = W - left - right;
  const band = plotW / n;
  // Labels wrap under their bar or point; when even that is too narrow, they are rotated.
  const charsPerLine = Math.floor((spec.xValues ? plotW / n : band) / 7.5);
  const rotate =
    charsPerLine < 6 && Math.max(...spec.categories.map((c) => c.length)) > Math.max(2, charsPerLine);
  const wrapped = spec.categories.map((c) =>
    rotate ? [truncate(c, 16)] : wrapLabel(c, Math.max(charsPerLine, 3)),
  );
  const labelLines = Math.max(...wrapped.map((w) => w.length));
  const longest = Math.max(...wrapped.map((w) => w[0]?.length ?? 0));
  const bottom = rotate ? 40 + longest * 5.5 : 36 + labelLines * 15;
  const plotH = 240;
  const H = Math.round(top + plotH + bottom);
  const scale = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  const y = (v: number) => top + plotH - ((v - scale.min) / (scale.max - scale.min)) * plotH;

  const out = [svgOpen(spec.id, H, spec.title, describe(spec))];
  /** The tooltip of one value: its x label, its series when there are several, the value. */
  const tip = (s: ChartSeries, i: number, v: number) =>
    `${spec.categories[i]}${spec.series.length > 1 ? ` · ${s.label}` : ''}: ${formatNumber(v)}`;
  // Grid and y axis.
  for (const t of tickValues(scale)) {
    const ty = y(t);
    out.push(`<line class="sdl-grid" x1="${left}" x2="${W - right}" y1="${f(ty)}" y2="${f(ty)}"/>`);
    out.push(
      `<text class="sdl-tick" x="${left - 8}" y="${f(ty + 4)}" text-anchor="end">${escapeHtml(formatNumber(t))}</text>`,
    );
  }
  out.push(
    `<line class="sdl-axis" x1="${left}" x2="${W - right}" y1="${f(y(Math.max(0, scale.min)))}" y2="${f(y(Math.max(0, scale.min)))}"/>`,
  );
  out.push(
    `<text class="sdl-axis-label" transform="translate(16 ${f(top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(truncate(spec.yLabel, 40))}</text>`,
  );

  // x positions
  let xPos: (i: number) => number;
  if (spec.type === 'line' && spec.xValues) {
    const t = spec.xLog ? (v: number) => Math.log10(v) : (v: number) => v;
    const xs = spec.xValues.map(t);
    const lo = Math.min(...xs);
    const span = Math.max(...xs) - lo || 1;
    const pad = 16;
    xPos = (i) => left + pad + (((xs[i] ?? lo) - lo) / span) * (plotW - pad * 2);
  } else {
    xPos = (i) => left + band * i + band / 2;
  }

  // x labels
  let lastRight = Number.NEGATIVE_INFINITY;
  wrapped.forEach((lines, i) => {
    const x = xPos(i);
    if (rotate) {
      out.push(
        `<text class="sdl-tick" transform="translate(${f(x + 4)} ${top + plotH + 14}) rotate(-35)" text-anchor="end">${escapeHtml(lines[0] ?? '')}</text>`,
      );
      return;
    }
    // Numeric x positions can crowd (1, 2, 4 …): skip a label that would overlap the previous one.
    const half = (Math.max(...lines.map((l) => l.length)) * 7) / 2;
    if (x - half < lastRight + 4) return;
    lastRight = x + half;
    const tspans = lines
      .map((l, li) => `<tspan x="${f(x)}" dy="${li === 0 ? 0 : 15}">${escapeHtml(l)}</tspan>`)
      .join('');
    out.push(
      `<text class="sdl-tick" x="${f(x)}" y="${top + plotH + 18}" text-anchor="middle">${tspans}</text>`,
    );
  });
  out.push(
    `<text class="sdl-axis-label" x="${f(left + plotW / 2)}" y="${H - 8}" text-anchor="middle">${escapeHtml(truncate(spec.xLabel, 60))}</text>`,
  );

  if (spec.type === 'bar') {
    const groupW = band * 0.8;
    const barW = groupW / spec.series.length;
    const labels = n * spec.series.length <= 16 && barW >= 18;
    const zero = y(Math.max(0, scale.min));
    spec.series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (typeof v !== 'number') return;
        const x = left + band * i + (band - groupW) / 2 + barW * si;
        const yv = y(v);
        const h = Math.abs(zero - yv);
        out.push(
          `<rect class="${seriesClass(si)} sdl-bar" x="${f(x + 1)}" y="${f(Math.min(yv, zero))}" width="${f(Math.max(1, barW - 2))}" height="${f(Math.max(h, 0.5))}"><title>${escapeHtml(tip(s, i, v))}</title></rect>`,
        );
        if (labels) {
          out.push(
            `<text class="sdl-value" x="${f(x + barW / 2)}" y="${f(Math.min(yv, zero) - 5)}" text-anchor="middle">${escapeHtml(formatNumber(v))}</text>`,
          );
        }
      });
    });
  } else {
    spec.series.forEach((s, si) => {
      const pts: string[] = [];
      const marks: string[] = [];
      s.values.forEach((v, i) => {
        if (typeof v !== 'number') return;
        const x = xPos(i);
        const yv = y(v);
        pts.push(`${pts.length ? 'L' : 'M'}${f(x)} ${f(yv)}`);
        marks.push(marker(markerKind(si), x, yv, seriesClass(si), tip(s, i, v)));
      });
      out.push(`<path class="${seriesClass(si)} sdl-line" d="${pts.join('')}"/>`, ...marks);
    });
  }

  if (legend) {
    let lx = left;
    spec.series.forEach((s, si) => {
      const label = truncate(s.label, 28);
      const cls = seriesClass(si);
      if (spec.type === 'line') {
        out.push(`<line class="${cls} sdl-line" x1="${f(lx)}" x2="${f(lx + 22)}" y1="16" y2="16"/>`);
        out.push(marker(markerKind(si), lx + 11, 16, cls, s.label));
      } else {
        out.push(`<rect class="${cls} sdl-bar" x="${f(lx + 4)}" y="9" width="14" height="14"/>`);
      }
      out.push(`<text class="sdl-legend" x="${f(lx + 28)}" y="20">${escapeHtml(label)}</text>`);
      lx += 28 + label.length * 7 + 20;
    });
  }
  out.push('</svg>');
  return out.join('');
}

/**
 * The chart a result table asks for (`table.chart`), or '' when it has none. Series with different
 * units (say ops/s and ms) are never drawn against one axis: each unit gets its own panel.
 * Throws when the chart names a column the table does not have — a bug in the demo the build reports.
 */
export function chartFromTable(table: ResultTable, id: string): string {
  const chart = table.chart;
  if (!chart) return '';
  const columns = new Map(table.columns.map((c) => [c.key, c]));
  const column = (key: string) => {
    const col = columns.get(key);
    if (col) return col;
    throw new Error(
      `result table "${table.id}": chart column "${key}" is not one of its columns (${[...columns.keys()].join(', ')})`,
    );
  };
  for (const key of [chart.x, ...chart.y]) column(key);
  const columnLabel = (key: string) => {
    const col = column(key);
    return col.unit ? `${col.label} (${col.unit})` : col.label;
  };
  const xs = table.rows.map((r) => r[chart.x]);
  const numericX = chart.type === 'line' && xs.length > 0 && xs.every((v) => typeof v === 'number');
  const nums = numericX ? (xs as number[]) : [];
  const xLog = numericX && Math.min(...nums) > 0 && Math.max(...nums) / Math.min(...nums) >= 16;
  const groups = new Map<string, string[]>();
  for (const key of chart.y) {
    const unit = column(key).unit ?? '';
    groups.set(unit, [...(groups.get(unit) ?? []), key]);
  }
  const title = chart.title ?? table.title;
  let panel = 0;
  return [...groups.entries()]
    .map(([unit, ys]) => {
      const yLabel = ys.length === 1 ? columnLabel(ys[0] ?? '') : unit || 'value';
      const series = ys.map((key) => ({
        label: column(key).label,
        values: table.rows.map((r) => (typeof r[key] === 'number' ? (r[key] as number) : null)),
      }));
      return renderChart({
        id: groups.size > 1 ? `${id}-${++panel}` : id,
        type: chart.type,
        title: groups.size > 1 ? `${title}: ${series.map((s) => s.label).join(', ')}` : title,
        xLabel: `${columnLabel(chart.x)}${xLog ? ' (log scale)' : ''}`,
        yLabel,
        categories: xs.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''))),
        xValues: numericX ? nums : null,
        xLog,
        series,
      });
    })
    .join('');
}

export interface ProgressRow {
  label: string;
  /** One bar per kind (e.g. POCs, articles, problems), in the order of `kinds`. */
  bars: { built: number; target: number }[];
}

/** Horizontal bars: how much of each category's roadmap target is built, one bar per kind. */
export function renderProgressChart(rows: ProgressRow[], kinds: string[], id: string, title: string): string {
  if (rows.length === 0) return '';
  const barH = 11;
  const rowH = kinds.length * (barH + 3) + 14;
  const top = 40;
  const left = 150;
  const right = 96;
  const plotW = W - left - right;
  const H = top + rows.length * rowH + 8;
  const desc = rows
    .map((r) => `${r.label}: ${r.bars.map((b, i) => `${kinds[i]} ${b.built} of ${b.target}`).join(', ')}`)
    .join('; ');
  const out = [svgOpen(id, H, title, `Built against the target, per category. ${desc}.`)];
  let lx = left;
  kinds.forEach((k, i) => {
    out.push(
      `<rect class="${seriesClass(i)} sdl-bar" x="${lx}" y="10" width="14" height="14"/>`,
      `<text class="sdl-legend" x="${lx + 20}" y="22">${escapeHtml(k)}</text>`,
    );
    lx += 20 + k.length * 7.5 + 24;
  });
  out.push(`<text class="sdl-legend" x="${W - 8}" y="22" text-anchor="end">built / target</text>`);
  rows.forEach((r, ri) => {
    const yTop = top + ri * rowH;
    out.push(
      `<text class="sdl-tick" x="${left - 10}" y="${f(yTop + rowH / 2)}" text-anchor="end">${escapeHtml(truncate(r.label, 20))}</text>`,
    );
    r.bars.forEach((b, bi) => {
      const y = yTop + bi * (barH + 3);
      const share = b.target > 0 ? Math.min(1, b.built / b.target) : b.built > 0 ? 1 : 0;
      out.push(`<rect class="sdl-track" x="${left}" y="${y}" width="${plotW}" height="${barH}" rx="2"/>`);
      if (share > 0) {
        out.push(
          `<rect class="${seriesClass(bi)} sdl-bar" x="${left}" y="${y}" width="${f(Math.max(3, share * plotW))}" height="${barH}" rx="2"><title>${escapeHtml(`${r.label}, ${kinds[bi]}: ${b.built} of ${b.target}`)}</title></rect>`,
        );
      }
      out.push(
        `<text class="sdl-small" x="${left + plotW + 8}" y="${y + barH - 1}">${b.built} / ${b.target}</text>`,
      );
    });
  });
  out.push('</svg>');
  return out.join('');
}
