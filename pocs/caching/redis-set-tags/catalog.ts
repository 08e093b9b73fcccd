import { seededRandom } from '../../../src/lab/seededRandom.ts';
import type { TagQuery } from './TagIndex.ts';

export const TAGS = Array.from({ length: 20 }, (_, i) => `t${i}`);

/** A seeded catalog: popular tags are common (tag i is on an item with probability ~ 0.5/(i+1)). */
export function generateCatalog(items: number, seed: number): Map<string, string[]> {
  const random = seededRandom(seed);
  const catalog = new Map<string, string[]>();
  for (let i = 0; i < items; i++) {
    const tags = TAGS.filter((_, t) => random() < 0.5 / (t + 1) + 0.02);
    catalog.set(`item${i}`, tags);
  }
  return catalog;
}

/** The query answered in plain JS over the catalog, to compare with Redis. */
export function queryReference(
  catalog: Map<string, string[]>,
  { all = [], any = [], none = [] }: TagQuery,
): string[] {
  const result: string[] = [];
  for (const [item, tags] of catalog) {
    const has = new Set(tags);
    if (
      all.every((t) => has.has(t)) &&
      (any.length === 0 || any.some((t) => has.has(t))) &&
      !none.some((t) => has.has(t))
    ) {
      result.push(item);
    }
  }
  return result.sort();
}

export function randomQuery(random: () => number): TagQuery {
  const pick = (n: number) => Array.from({ length: n }, () => TAGS[Math.floor(random() * 8)]!);
  return {
    all: pick(1 + Math.floor(random() * 2)),
    any: random() < 0.5 ? pick(2) : [],
    none: pick(Math.floor(random() * 2)),
  };
}
