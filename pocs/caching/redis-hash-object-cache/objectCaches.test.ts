import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { useRedis } from '../../../src/testing/redis.ts';
import { serviceUrl } from '../../../src/testing/services.ts';
import { HashObjectCache, JsonObjectCache } from './objectCaches.ts';
import { LISTING_FIELDS, sampleProduct } from './sampleProduct.ts';

describe('HashObjectCache vs JsonObjectCache (real Redis)', () => {
  const db = useRedis('redis-hash-object-cache');
  const { ns } = db;
  let hash: HashObjectCache;
  let json: JsonObjectCache;
  beforeAll(() => {
    hash = new HashObjectCache({ redis: db.redis, keyPrefix: `${ns}:h:`, ttlSeconds: 60 });
    json = new JsonObjectCache({ redis: db.redis, keyPrefix: `${ns}:j:`, ttlSeconds: 60 });
  });

  // #region fields-test
  it('HMGET returns exactly the requested fields, typed, and moves a small fraction of the bytes GET does', async () => {
    const product = sampleProduct(7);
    await hash.put('7', product);
    await json.put('7', product);

    const fromHash = await hash.getFields('7', [...LISTING_FIELDS]);
    const fromJson = await json.getFields('7', [...LISTING_FIELDS]);
    const expected = { name: product.name, priceCents: product.priceCents, stock: product.stock };
    expect(fromHash.value).toEqual(expected);
    expect(fromJson.value).toEqual(expected);

    const wholeObjectBytes = Buffer.byteLength(JSON.stringify(product));
    expect(fromJson.replyBytes).toBe(wholeObjectBytes);
    expect(fromHash.replyBytes).toBeLessThan(100); // three short values and the presence marker
    expect(fromHash.replyBytes * 100).toBeLessThan(fromJson.replyBytes);
  });
  // #endregion fields-test

  it('nested and boolean fields round-trip; a missing field is absent, a missing object is null', async () => {
    const product = sampleProduct(8, 3);
    await hash.put('8', product);
    const read = await hash.getFields('8', ['inStock', 'specs', 'reviews', 'noSuchField']);
    expect(read.value).toEqual({ inStock: product.inStock, specs: product.specs, reviews: product.reviews });
    expect((await hash.getFields('nope', ['name'])).value).toBeNull();
    expect((await json.getFields('nope', ['name'])).value).toBeNull();
  });

  it('re-putting an object drops fields the new version no longer has, and sets the TTL', async () => {
    await hash.put('9', { name: 'old', legacy: true });
    await hash.put('9', { name: 'new' });
    expect((await hash.getFields('9', ['name', 'legacy'])).value).toEqual({ name: 'new' });
    expect(await db.redis.ttl(`${ns}:h:9`)).toBeGreaterThan(55);
  });

  it('100 concurrent readers over 4 connections all get the same consistent subset', async () => {
    const connections = Array.from({ length: 4 }, () => new Redis(serviceUrl('redis')));
    try {
      await hash.put('10', sampleProduct(10));
      const readers = connections.map(
        (r) => new HashObjectCache({ redis: r, keyPrefix: `${ns}:h:`, ttlSeconds: 60 }),
      );
      const reads = await Promise.all(
        Array.from({ length: 100 }, (_, i) => readers[i % 4]!.getFields('10', [...LISTING_FIELDS])),
      );
      for (const r of reads) expect(r.value).toEqual(reads[0]!.value);
    } finally {
      await Promise.all(connections.map((c) => c.quit()));
    }
  });
});
