import { distance } from 'fastest-levenshtein';
import type { Poc } from '../catalog/load.ts';
import { UsageError } from './errors.ts';

/** Finds a POC by id (`71`, `#71`) or slug; an unknown name suggests the nearest ids and slugs. */
export function findPoc(pocs: Poc[], name: string): Poc {
  const trimmed = name.trim().replace(/^#/, '');
  const byId = /^\d+$/.test(trimmed) ? pocs.find((p) => p.meta.id === Number(trimmed)) : undefined;
  const found = byId ?? pocs.find((p) => p.meta.slug === trimmed.toLowerCase());
  if (found) return found;
  throw new UsageError(`no POC named "${name}"; ${suggest(pocs, trimmed)}`);
}

function suggest(pocs: Poc[], name: string): string {
  if (pocs.length === 0) return 'the catalog is empty (add one with `sdlab new poc`)';
  const scored = pocs
    .map((p) => {
      // A misspelt fragment of a long slug ("rate-limitr" in "sliding-window-rate-limiter") is as good a
      // hint as a misspelt whole slug: score by the closer of the two, whole-slug distance breaking ties.
      const whole = distance(name.toLowerCase(), p.meta.slug);
      const fragment = name.length > 2 ? fragmentDistance(name.toLowerCase(), p.meta.slug) : whole;
      const slugScore = Math.min(whole, fragment) + whole / 1000;
      // A number is an id: the nearest ids are the hint, not slugs that happen to be a few edits away.
      if (/^\d+$/.test(name)) return { poc: p, score: Math.abs(Number(name) - p.meta.id) };
      return { poc: p, score: slugScore };
    })
    .sort((a, b) => a.score - b.score)
    .slice(0, 3);
  const names = scored.map(({ poc }) => `${poc.meta.id} (${poc.meta.slug})`).join(', ');
  return `did you mean ${names}? \`sdlab list\` shows them all`;
}

/** Edit distance between `needle` and the closest substring of `haystack` (approximate substring match). */
export function fragmentDistance(needle: string, haystack: string): number {
  // Sellers' variant of Levenshtein: starting anywhere in the haystack is free, so row 0 is all zeros.
  let previous = new Array<number>(haystack.length + 1).fill(0);
  for (let i = 1; i <= needle.length; i++) {
    const current = [i];
    for (let j = 1; j <= haystack.length; j++) {
      const substitution = previous[j - 1]! + (needle[i - 1] === haystack[j - 1] ? 0 : 1);
      current[j] = Math.min(substitution, previous[j]! + 1, current[j - 1]! + 1);
    }
    previous = current;
  }
  return Math.min(...previous);
}
