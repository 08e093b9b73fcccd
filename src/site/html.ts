/** Small helpers for the HTML fragments the generator writes into markdown pages. */

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A YAML/JSON-safe double-quoted string (JSON strings are valid YAML scalars). */
export function yamlString(value: string): string {
  return JSON.stringify(value);
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
