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
  for (let v = scale.min; v <= scale.max + scale.step / 1e6; v += scale.step) out.push(Number(v.toPrecision(12)));
  return out;
}

function seriesClass(i: number): string {
  return `sdl-s${i % SERIES_COUNT}`;
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
  return text.length > 600 ? `${kind} of ${spec.yLabel} by ${spec.xLabel}; the values are in the table.` : text;
}

export function renderChart(spec: ChartSpec): string {
  const values = spec.series.flatMap((s) => s.values).filter((v): v is number => typeof v === 'number');
  if (values.length === 0 || spec.categories.length === 0) return '';
  const n = spec.categories.length;
  const legend = spec.series.length > 1;
  const longest = Math.max(...spec.categories.map((c) => c.length));
  const top = legend ? 44 : 20;
  const left = 72;
  const right = 20;
  const plotW = W - left - right;
  const band = plotW / n;
  // Rotate x labels when they would collide.
  const rotate = longest * 7 > band;
  const maxLabel = rotate ? 16 : Math.max(3, Math.floor(band / 7));
  const bottom = rotate ? 36 + Math.min(longest, maxLabel) * 5 : 52;
  const plotH = 240;
  const H = top + plotH + bottom;
  const scale = niceScale(Math.min(0, ...values), Math.max(0, ...values));
  const y = (v: number) => top + plotH - ((v - scale.min) / (scale.max - scale.min)) * plotH;

  const out: string[] = [];
  const titleId = `${spec.id}-title`;
  const descId = `${spec.id}-desc`;
  out.push(
    `<svg class="sdl-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${titleId} ${descId}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${titleId}">${escapeHtml(spec.title)}</title>`,
    `<desc id="${descId}">${escapeHtml(describe(spec))}</desc>`,
  );
  // Grid and y axis.
  for (const t of tickValues(scale)) {
    const ty = y(t);
    out.push(`<line class="sdl-grid" x1="${left}" x2="${W - right}" y1="${f(ty)}" y2="${f(ty)}"/>`);
    out.push(`<text class="sdl-tick" x="${left - 8}" y="${f(ty + 4)}" text-anchor="end">${escapeHtml(formatNumber(t))}</text>`);
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
    const xs = spec.xValues;
    const xScale = niceScale(Math.min(...xs), Math.max(...xs));
    const lo = Math.min(...xs) === xScale.min ? xScale.min : Math.min(...xs);
    const hi = Math.max(...xs);
    const span = hi - lo || 1;
    const pad = 16;
    xPos = (i) => left + pad + (((xs[i] ?? lo) - lo) / span) * (plotW - pad * 2);
  } else {
    xPos = (i) => left + band * i + band / 2;
  }

  // x labels
  spec.categories.forEach((c, i) => {
    const x = xPos(i);
    const label = escapeHtml(truncate(c, maxLabel));
    if (rotate) {
      out.push(
        `<text class="sdl-tick" transform="translate(${f(x + 4)} ${top + plotH + 14}) rotate(-35)" text-anchor="end">${label}</text>`,
      );
    } else {
      out.push(`<text class="sdl-tick" x="${f(x)}" y="${top + plotH + 18}" text-anchor="middle">${label}</text>`);
    }
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
        const tip = `${spec.categories[i]}${spec.series.length > 1 ? ` · ${s.label}` : ''}: ${formatNumber(v)}`;
        out.push(
          `<rect class="${seriesClass(si)} sdl-bar" x="${f(x + 1)}" y="${f(Math.min(yv, zero))}" width="${f(Math.max(1, barW - 2))}" height="${f(Math.max(h, 0.5))}"><title>${escapeHtml(tip)}</title></rect>`,
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
        const tip = `${spec.categories[i]}${spec.series.length > 1 ? ` · ${s.label}` : ''}: ${formatNumber(v)}`;
        marks.push(marker(MARKERS[si % MARKERS.length] ?? 'circle', x, yv, seriesClass(si), tip));
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
        out.push(marker(MARKERS[si % MARKERS.length] ?? 'circle', lx + 11, 16, cls, s.label));
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

function columnLabel(table: ResultTable, key: string): string {
  const col = table.columns.find((c) => c.key === key);
  if (!col) return key;
  return col.unit ? `${col.label} (${col.unit})` : col.label;
}

/**
 * The chart a result table asks for (`table.chart`), or '' when it has none. Throws when the chart
 * names a column the table does not have: that is a bug in the demo, and the build should say so.
 */
export function chartFromTable(table: ResultTable, id: string): string {
  const chart = table.chart;
  if (!chart) return '';
  const keys = new Set(table.columns.map((c) => c.key));
  for (const key of [chart.x, ...chart.y]) {
    if (!keys.has(key)) {
      throw new Error(`result table "${table.id}": chart column "${key}" is not one of its columns (${[...keys].join(', ')})`);
    }
  }
  const xs = table.rows.map((r) => r[chart.x]);
  const numericX = chart.type === 'line' && xs.length > 0 && xs.every((v) => typeof v === 'number');
  const yUnits = new Set(chart.y.map((k) => table.columns.find((c) => c.key === k)?.unit ?? ''));
  const yLabel =
    chart.y.length === 1
      ? columnLabel(table, chart.y[0] ?? '')
      : yUnits.size === 1 && [...yUnits][0]
        ? `${[...yUnits][0]}`
        : 'value';
  return renderChart({
    id,
    type: chart.type,
    title: chart.title ?? table.title,
    xLabel: columnLabel(table, chart.x),
    yLabel,
    categories: xs.map((v) => (typeof v === 'number' ? formatNumber(v) : String(v ?? ''))),
    xValues: numericX ? (xs as number[]) : null,
    series: chart.y.map((key) => ({
      label: table.columns.find((c) => c.key === key)?.label ?? key,
      values: table.rows.map((r) => (typeof r[key] === 'number' ? (r[key] as number) : null)),
    })),
  });
}

export interface ProgressRow {
  label: string;
  built: number;
  target: number;
}

/** Horizontal bars: how much of each category's roadmap target is built. */
export function renderProgressChart(rows: ProgressRow[], id: string, title: string): string {
  if (rows.length === 0) return '';
  const rowH = 30;
  const top = 12;
  const left = 150;
  const right = 110;
  const plotW = W - left - right;
  const H = top + rows.length * rowH + 12;
  const out: string[] = [];
  const desc = rows.map((r) => `${r.label}: ${r.built} of ${r.target}`).join('; ');
  out.push(
    `<svg class="sdl-chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(title)}</title>`,
    `<desc id="${id}-desc">${escapeHtml(`Built against planned, per category. ${desc}.`)}</desc>`,
  );
  rows.forEach((r, i) => {
    const yTop = top + i * rowH;
    const share = r.target > 0 ? Math.min(1, r.built / r.target) : r.built > 0 ? 1 : 0;
    const pct = r.target > 0 ? Math.round((r.built / r.target) * 100) : null;
    out.push(
      `<text class="sdl-tick" x="${left - 10}" y="${yTop + 19}" text-anchor="end">${escapeHtml(truncate(r.label, 20))}</text>`,
      `<rect class="sdl-track" x="${left}" y="${yTop + 6}" width="${plotW}" height="18" rx="3"/>`,
    );
    if (share > 0) {
      out.push(
        `<rect class="sdl-s0 sdl-bar" x="${left}" y="${yTop + 6}" width="${f(Math.max(3, share * plotW))}" height="18" rx="3"><title>${escapeHtml(`${r.label}: ${r.built} of ${r.target}`)}</title></rect>`,
      );
    }
    out.push(
      `<text class="sdl-value" x="${left + plotW + 10}" y="${yTop + 19}">${r.built} / ${r.target}${pct === null ? '' : ` (${pct}%)`}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('');
}
