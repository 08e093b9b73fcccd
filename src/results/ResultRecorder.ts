import type { Comparison, Figure, ResultTable } from './schema.ts';

/**
 * What a demo calls to report figures. `sdlab run` prints them as tables and writes
 * them to results/<id>-<slug>.json with the machine and service versions.
 */
export class ResultRecorder {
  readonly figures: Figure[] = [];
  readonly tables: ResultTable[] = [];
  readonly comparisons: Comparison[] = [];
  readonly notes: string[] = [];

  /** A single named figure, e.g. `figure('limit-held', 'Requests allowed (limit 100)', 100)`. */
  figure(key: string, label: string, value: number | string | boolean, unit?: string): void {
    this.figures.push(unit === undefined ? { key, label, value } : { key, label, value, unit });
  }

  /** A table of rows; add `chart` so the website draws it. */
  table(table: ResultTable): void {
    if (this.tables.some((t) => t.id === table.id))
      throw new Error(`result table id "${table.id}" is used twice`);
    this.tables.push(table);
  }

  /**
   * A before/after or us/them comparison measured in the same run. The ratio is candidate / baseline,
   * so "2.0x" with better: 'higher' means the candidate did twice as much.
   */
  compare(input: Omit<Comparison, 'ratio'>): Comparison {
    const ratio =
      input.baseline.value === 0 ? Number.POSITIVE_INFINITY : input.candidate.value / input.baseline.value;
    const comparison = { ...input, ratio: Number.isFinite(ratio) ? round(ratio, 3) : 0 };
    this.comparisons.push(comparison);
    return comparison;
  }

  note(text: string): void {
    this.notes.push(text);
  }
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
