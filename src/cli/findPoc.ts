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
      const slugScore = Math.min(
        distance(name.toLowerCase(), p.meta.slug),
        // A fragment of the slug ("rate") is a good hint too.
        p.meta.slug.includes(name.toLowerCase()) && name.length > 2 ? 1 : Number.POSITIVE_INFINITY,
      );
      const idScore = /^\d+$/.test(name) ? Math.abs(Number(name) - p.meta.id) : Number.POSITIVE_INFINITY;
      return { poc: p, score: Math.min(slugScore, idScore) };
    })
    .sort((a, b) => a.score - b.score)
    .slice(0, 3);
  const names = scored.map(({ poc }) => `${poc.meta.id} (${poc.meta.slug})`).join(', ');
  return `did you mean ${names}? \`sdlab list\` shows them all`;
}
