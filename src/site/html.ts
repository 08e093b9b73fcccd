/** Small helpers for the HTML fragments the generator writes into markdown pages. */

/** The characters escapeHtml replaces, and their entities; `&` first, so it is never escaped twice. */
const ENTITIES: readonly [string, string][] = [
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
];

export function escapeHtml(value: string): string {
  return ENTITIES.reduce((text, [char, entity]) => text.replaceAll(char, entity), value);
}

/** The inverse of escapeHtml (`&amp;` last, so `&amp;lt;` stays `&lt;`): reads attribute values back. */
export function decodeHtml(value: string): string {
  return ENTITIES.reduceRight((text, [char, entity]) => text.replaceAll(entity, char), value);
}

/** A scroll box: wide content scrolls inside it instead of widening the page. Focusable for keyboards. */
export function scrollBox(label: string, inner: string, cls = 'sdl-scroll'): string {
  return `<div class="${cls}" role="region" tabindex="0" aria-label="${escapeHtml(label)}">${inner}</div>`;
}

/**
 * A captioned data table in its scroll box. `head` cells and `rows` are HTML (escape what goes in);
 * every head cell is a column header.
 */
export function dataTable(t: {
  label: string;
  caption: string;
  head: string[];
  rows: string[];
  cls?: string;
}): string {
  const head = t.head.map((h) => `<th scope="col">${h}</th>`).join('');
  return scrollBox(
    t.label,
    `<table class="sdl-table${t.cls ? ` ${t.cls}` : ''}"><caption>${escapeHtml(t.caption)}</caption>` +
      `<thead><tr>${head}</tr></thead><tbody>${t.rows.join('')}</tbody></table>`,
  );
}

/** `a-b_c.ts` → `a-b-c-ts`: a fragment id for an element. */
export function toId(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * Numbers as people read them: integers with thin grouping, fractions with up to three significant
 * decimals. Deterministic (no locale), so the built site does not depend on the machine building it.
 */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  let text: string;
  if (Number.isInteger(value)) text = String(value);
  else if (abs >= 100) text = value.toFixed(1);
  else if (abs >= 1) text = value.toFixed(2);
  else if (abs === 0) text = '0';
  else text = value.toPrecision(3);
  if (text.includes('e')) return text;
  text = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  const [int = '', frac] = text.split('.');
  const sign = int.startsWith('-') ? '-' : '';
  const digits = sign ? int.slice(1) : int;
  const grouped = digits.length > 4 ? digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : digits;
  return sign + grouped + (frac ? `.${frac}` : '');
}

export function formatValue(value: number | string | boolean | null | undefined, unit?: string): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = typeof value === 'number' ? formatNumber(value) : value;
  if (!unit || typeof value !== 'number') return text;
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}
