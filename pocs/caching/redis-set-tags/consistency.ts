import type { TagIndex } from './TagIndex.ts';

/**
 * Counts broken links between the two indexes: an item listed under a tag it does not have, or a
 * tag on an item whose tag set does not list the item.
 */
export async function countInconsistencies(
  index: TagIndex,
  items: string[],
  tags: string[],
): Promise<number> {
  const tagsOf = new Map<string, Set<string>>();
  for (const item of items) tagsOf.set(item, new Set(await index.tagsOf(item)));
  const itemsOf = new Map<string, Set<string>>();
  for (const tag of tags) itemsOf.set(tag, new Set(await index.itemsTagged(tag)));
  let broken = 0;
  for (const [item, itemTags] of tagsOf)
    for (const tag of itemTags) if (!itemsOf.get(tag)?.has(item)) broken++;
  for (const [tag, tagItems] of itemsOf)
    for (const item of tagItems) if (!tagsOf.get(item)?.has(tag)) broken++;
  return broken;
}
