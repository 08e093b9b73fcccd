import type { Redis } from 'ioredis';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { countInconsistencies } from './consistency.ts';
import { TagIndex } from './TagIndex.ts';

export interface ContentionResult {
  /** Links present on one side of the index only. */
  inconsistencies: number;
  /** Items whose final tags are not any tag list a writer set (a merge of concurrent replaces). */
  mergedItems: number;
}

/**
 * Many connections tag, untag and replace the tags of a few items, all at once. `atomic` picks the
 * MULTI/Lua methods, otherwise the naive two-step ones. Returns what broke.
 */
export async function runTagContention(options: {
  connections: Redis[];
  keyPrefix: string;
  atomic: boolean;
  items: number;
  operations: number;
  seed: number;
}): Promise<ContentionResult> {
  const random = seededRandom(options.seed);
  const tags = ['red', 'green', 'blue', 'sale', 'new'];
  const items = Array.from({ length: options.items }, (_, i) => `item${i}`);
  const indexes = options.connections.map((redis) => new TagIndex({ redis, keyPrefix: options.keyPrefix }));
  const pick = () => tags.filter(() => random() < 0.4);

  // Phase 1: tag / untag storm.
  await Promise.all(
    Array.from({ length: options.operations }, (_, i) => {
      const index = indexes[i % indexes.length]!;
      const item = items[Math.floor(random() * items.length)]!;
      const chosen = pick();
      if (chosen.length === 0) return Promise.resolve();
      const untag = random() < 0.5;
      if (options.atomic) return untag ? index.untag(item, chosen) : index.tag(item, chosen);
      return untag ? index.untagNaive(item, chosen) : index.tagNaive(item, chosen);
    }),
  );
  const inconsistencies = await countInconsistencies(indexes[0]!, items, tags);

  // Phase 2: a few concurrent "replace all tags" per item (few, so that no single writer happens to
  // pick the union of the others' lists); remember every list written.
  const written = new Map<string, Set<string>>(items.map((item) => [item, new Set()]));
  await Promise.all(
    Array.from({ length: items.length * 4 }, (_, i) => {
      const index = indexes[i % indexes.length]!;
      const item = items[i % items.length]!;
      const chosen = pick();
      written.get(item)!.add(chosen.slice().sort().join(','));
      return options.atomic ? index.setTags(item, chosen) : index.setTagsNaive(item, chosen);
    }),
  );
  let mergedItems = 0;
  for (const item of items) {
    const final = (await indexes[0]!.tagsOf(item)).join(',');
    const lists = written.get(item)!;
    if (lists.size > 0 && !lists.has(final)) mergedItems++;
  }
  return { inconsistencies, mergedItems };
}
