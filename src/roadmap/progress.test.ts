import { describe, expect, it } from 'vitest';
import { type BuiltThing, computeProgress, findRoadmapConflicts } from './progress.ts';
import type { Roadmap, RoadmapItem } from './schema.ts';

const item = (id: string, kind: RoadmapItem['kind']): RoadmapItem => ({
  id,
  kind,
  title: id,
  sources: ['week-2-plan.md'],
  category: id.split('/')[0] as RoadmapItem['category'],
});

const cachingItems = [
  item('caching/cache-aside', 'poc'),
  item('caching/write-through', 'poc'),
  item('caching/lru-cache', 'poc'),
  item('caching/invalidation', 'article'),
];
const dbItems = [item('databases/pool-sizing', 'poc'), item('databases/pool-starvation', 'problem')];

const roadmap: Roadmap = {
  categories: [
    { category: 'caching', targets: { pocs: 8, articles: 3, problems: 0, source: 't' }, items: cachingItems },
    { category: 'databases', targets: { pocs: 3, articles: 0, problems: 2, source: 't' }, items: dbItems },
  ],
  items: [...cachingItems, ...dbItems],
};

const thing = (slug: string, category: string, ...ids: string[]): BuiltThing => ({
  slug,
  category,
  roadmap: ids,
});

describe('computeProgress', () => {
  const built = {
    pocs: [
      thing('cache-aside', 'caching', 'caching/cache-aside'),
      // A POC linking the article it illustrates does not make the article written.
      thing('write-through', 'caching', 'caching/write-through', 'caching/invalidation'),
      thing('pool-sizing', 'databases', 'databases/pool-sizing', 'databases/pool-starvation'),
    ],
    articles: [thing('off-roadmap', 'caching')],
    problems: [],
  };
  const progress = computeProgress(roadmap, built);
  const caching = progress.categories.find((c) => c.category === 'caching')!;
  const databases = progress.categories.find((c) => c.category === 'databases')!;

  it('lists every catalog category, with zeroes where the roadmap has no file', () => {
    expect(progress.categories).toHaveLength(10);
    expect(progress.categories[0]).toMatchObject({ category: 'caching', title: 'Caching' });
    expect(progress.categories.find((c) => c.category === 'cdn')).toMatchObject({
      pocs: { built: 0, planned: 0, target: 0, percent: 0 },
      missing: [],
    });
  });

  it('counts built, planned and target per kind, with percent of target to one decimal', () => {
    expect(caching.pocs).toEqual({ built: 2, planned: 3, target: 8, percent: 25 });
    expect(caching.articles).toEqual({ built: 1, planned: 1, target: 3, percent: 33.3 });
    expect(databases.pocs).toEqual({ built: 1, planned: 1, target: 3, percent: 33.3 });
    expect(databases.problems).toEqual({ built: 0, planned: 1, target: 2, percent: 0 });
  });

  it('lists planned items no built thing of the same kind maps to', () => {
    expect(caching.missing.map((i) => i.id)).toEqual(['caching/lru-cache', 'caching/invalidation']);
    expect(databases.missing.map((i) => i.id)).toEqual(['databases/pool-starvation']);
  });

  it('adds up totals', () => {
    expect(progress.totals.pocs).toEqual({ built: 3, planned: 4, target: 11, percent: 27.3 });
    expect(progress.totals.problems).toEqual({ built: 0, planned: 1, target: 2, percent: 0 });
    expect(progress.totals.missing).toBe(3);
  });
});

describe('findRoadmapConflicts', () => {
  it('is empty when every claim is unique and known', () => {
    const built = { pocs: [thing('a', 'caching', 'caching/cache-aside')], articles: [], problems: [] };
    expect(findRoadmapConflicts(roadmap, built)).toEqual([]);
  });

  it('flags an item two things of its kind claim, and ids not on the roadmap', () => {
    const built = {
      pocs: [
        thing('aside-one', 'caching', 'caching/cache-aside'),
        thing('aside-two', 'caching', 'caching/cache-aside', 'caching/nope'),
        // Linking an article from a POC is not a competing claim.
        thing('linker', 'caching', 'caching/invalidation'),
      ],
      articles: [
        thing('invalidation', 'caching', 'caching/invalidation'),
        thing('typo', 'caching', 'caching/nope'),
      ],
      problems: [],
    };
    const conflicts = findRoadmapConflicts(roadmap, built);
    expect(conflicts.map(({ type, itemId, claimedBy }) => ({ type, itemId, claimedBy }))).toEqual([
      { type: 'claimed-twice', itemId: 'caching/cache-aside', claimedBy: ['poc aside-one', 'poc aside-two'] },
      { type: 'unknown-item', itemId: 'caching/nope', claimedBy: ['poc aside-two', 'article typo'] },
    ]);
    expect(conflicts[0]?.message).toContain('claimed by 2 things');
    expect(conflicts[1]?.message).toContain('unknown roadmap item caching/nope');
  });
});
