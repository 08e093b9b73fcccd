import { CATEGORIES, type CategoryId } from '../catalog/categories.ts';
import type { Roadmap, RoadmapItem, RoadmapKind } from './schema.ts';

/** A POC, article or problem that exists in the repo, reduced to what coverage needs. */
export type BuiltThing = { slug: string; category: string; roadmap: string[] };
export type Built = { pocs: BuiltThing[]; articles: BuiltThing[]; problems: BuiltThing[] };

export type KindProgress = { built: number; planned: number; target: number; percent: number };

export type CategoryProgress = {
  category: CategoryId;
  title: string;
  pocs: KindProgress;
  articles: KindProgress;
  problems: KindProgress;
  /** Planned items that no built thing of the same kind claims. */
  missing: RoadmapItem[];
};

export type Progress = {
  categories: CategoryProgress[];
  totals: { pocs: KindProgress; articles: KindProgress; problems: KindProgress; missing: number };
};

export type RoadmapConflict =
  | { type: 'claimed-twice'; itemId: string; claimedBy: string[]; message: string }
  | { type: 'unknown-item'; itemId: string; claimedBy: string[]; message: string };

const KINDS = [
  { key: 'pocs', kind: 'poc' },
  { key: 'articles', kind: 'article' },
  { key: 'problems', kind: 'problem' },
] as const satisfies readonly { key: keyof Built; kind: RoadmapKind }[];

/**
 * Coverage of the plans by what is built, per category and in total.
 *
 * An item counts as covered only by a built thing of its own kind: a POC may link to the article
 * or problem it illustrates, but that does not make the article written.
 */
export function computeProgress(roadmap: Roadmap, built: Built): Progress {
  const covered = coveredIds(built);
  const categories = CATEGORIES.map(({ id, title }): CategoryProgress => {
    const entry = roadmap.categories.find((c) => c.category === id);
    const items = entry?.items ?? [];
    const of = (key: keyof Built, kind: RoadmapKind): KindProgress =>
      kindProgress(
        built[key].filter((b) => b.category === id).length,
        items.filter((i) => i.kind === kind).length,
        entry?.targets[key] ?? 0,
      );
    return {
      category: id,
      title,
      pocs: of('pocs', 'poc'),
      articles: of('articles', 'article'),
      problems: of('problems', 'problem'),
      missing: items.filter((i) => !covered.has(`${i.kind} ${i.id}`)),
    };
  });

  const sum = (key: keyof Built): KindProgress =>
    kindProgress(
      categories.reduce((n, c) => n + c[key].built, 0),
      categories.reduce((n, c) => n + c[key].planned, 0),
      categories.reduce((n, c) => n + c[key].target, 0),
    );
  return {
    categories,
    totals: {
      pocs: sum('pocs'),
      articles: sum('articles'),
      problems: sum('problems'),
      missing: categories.reduce((n, c) => n + c.missing.length, 0),
    },
  };
}

/**
 * Roadmap claims `sdlab check` should flag: an item claimed by two built things of its kind
 * (two POCs doing the same plan item is duplicated work), and claims of ids that do not exist.
 */
export function findRoadmapConflicts(roadmap: Roadmap, built: Built): RoadmapConflict[] {
  const items = new Map(roadmap.items.map((i) => [i.id, i]));
  const claims = new Map<string, string[]>();
  const unknown = new Map<string, string[]>();

  for (const { key, kind } of KINDS) {
    for (const thing of built[key]) {
      const label = `${kind} ${thing.slug}`;
      for (const id of new Set(thing.roadmap)) {
        const item = items.get(id);
        if (!item) push(unknown, id, label);
        else if (item.kind === kind) push(claims, id, label);
      }
    }
  }

  const conflicts: RoadmapConflict[] = [];
  for (const [itemId, claimedBy] of claims) {
    if (claimedBy.length < 2) continue;
    conflicts.push({
      type: 'claimed-twice',
      itemId,
      claimedBy,
      message: `roadmap item ${itemId} is claimed by ${claimedBy.length} things: ${claimedBy.join(', ')}`,
    });
  }
  for (const [itemId, claimedBy] of unknown) {
    conflicts.push({
      type: 'unknown-item',
      itemId,
      claimedBy,
      message: `${claimedBy.join(', ')} reference${claimedBy.length === 1 ? 's' : ''} unknown roadmap item ${itemId}`,
    });
  }
  return conflicts.sort((a, b) => a.itemId.localeCompare(b.itemId) || a.type.localeCompare(b.type));
}

/** `percent` is of the plan's target; with no target there is nothing to measure, so 0. */
function kindProgress(built: number, planned: number, target: number): KindProgress {
  const percent = target > 0 ? Math.round((built / target) * 1000) / 10 : 0;
  return { built, planned, target, percent };
}

/** "<kind> <id>" pairs claimed by some built thing of that kind. */
function coveredIds(built: Built): Set<string> {
  const out = new Set<string>();
  for (const { key, kind } of KINDS) {
    for (const thing of built[key]) for (const id of thing.roadmap) out.add(`${kind} ${id}`);
  }
  return out;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
