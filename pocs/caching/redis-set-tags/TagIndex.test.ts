import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/lab/seededRandom.ts';
import { useRedis } from '../../../src/testing/redis.ts';
import { generateCatalog, queryReference, randomQuery } from './catalog.ts';
import { countInconsistencies } from './consistency.ts';
import { runTagContention } from './contention.ts';
import { TagIndex } from './TagIndex.ts';

const db = useRedis('set-tags', { connections: 8 });
const { ns } = db;

describe('TagIndex (real Redis)', () => {
  it('keeps item→tags and tag→items consistent under concurrent tag/untag/replace from 8 connections', async () => {
    const result = await runTagContention({
      connections: [...db.clients],
      keyPrefix: `${ns}:atomic:`,
      atomic: true,
      items: 10,
      operations: 1_500,
      seed: 111,
    });
    expect(result.inconsistencies).toBe(0);
    // Every item ends with a tag list some writer actually set: concurrent replaces never merge.
    expect(result.mergedItems).toBe(0);
  });

  it('answers AND / OR / NOT queries exactly like a JS reference on a seeded catalog', async () => {
    const catalog = generateCatalog(2_000, 7);
    const index = new TagIndex({ redis: db.redis, keyPrefix: `${ns}:catalog:` });
    await Promise.all([...catalog].map(([item, tags]) => index.tag(item, tags)));
    // "tagged t0 AND t1 but NOT t2", spelled out once …
    const aAndBNotC = { all: ['t0', 't1'], none: ['t2'] };
    const answer = await index.query(aAndBNotC);
    expect(answer.length).toBeGreaterThan(0);
    expect(answer).toEqual(queryReference(catalog, aAndBNotC));
    // … and 40 random combinations.
    const random = seededRandom(8);
    for (let q = 0; q < 40; q++) {
      const query = randomQuery(random);
      expect(await index.query(query)).toEqual(queryReference(catalog, query));
    }
    expect(await db.redis.keys(`${ns}:catalog:*tmp*`)).toEqual([]);
    await expect(index.query({ none: ['t1'] })).rejects.toThrow(/at least one tag/);
  });

  it('setTags replaces, deleteItem removes the item from every tag', async () => {
    const index = new TagIndex({ redis: db.redis, keyPrefix: `${ns}:replace:` });
    await index.tag('book', ['new', 'sale']);
    expect(await index.setTags('book', ['sale', 'signed'])).toEqual({ added: 1, removed: 1 });
    expect(await index.tagsOf('book')).toEqual(['sale', 'signed']);
    expect(await index.itemsTagged('new')).toEqual([]);
    expect(await index.deleteItem('book')).toBe(2);
    expect(await index.itemsTagged('sale')).toEqual([]);
    expect(await countInconsistencies(index, ['book'], ['new', 'sale', 'signed'])).toBe(0);
  });
});
