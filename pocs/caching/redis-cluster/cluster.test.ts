import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc16, keySlot } from './keySlot.ts';
import { LocalRedisCluster } from './LocalRedisCluster.ts';
import { getOrMoved } from './redirections.ts';

const EDGE_CASES = [
  '',
  'foo',
  '{user:42}:cart',
  '{user:42}:profile',
  '{}',
  '{}user:42',
  '{a}{b}',
  '{a}',
  'a{',
  'a}',
  'a}b{c}',
  '{{a}}',
  'x{}y{z}',
  '{',
  '}{',
  'naïve-ключ-键',
];

// One cluster (three primaries, three replicas) shared by every test of this file: start-up is the cost.
let cluster: LocalRedisCluster;
beforeAll(async () => {
  cluster = await LocalRedisCluster.start();
});
afterAll(async () => {
  await cluster?.dispose();
});

describe('keys map to hash slots', () => {
  it('CRC16(key) mod 16384, with hash tags, equals CLUSTER KEYSLOT for thousands of keys', async () => {
    const keys = [
      ...EDGE_CASES,
      ...Array.from({ length: 3000 }, (_, i) => `user:${i}:${(i * 7919).toString(36)}`),
      ...Array.from({ length: 500 }, (_, i) => `{tenant:${i % 17}}:order:${i}`),
    ];
    const node = cluster.nodes[0]!.client;
    const pipeline = node.pipeline();
    for (const key of keys) pipeline.call('CLUSTER', 'KEYSLOT', key);
    const serverSlots = (await pipeline.exec())!.map(([error, slot]) => {
      if (error) throw error;
      return Number(slot);
    });
    const mismatches = keys.filter((key, i) => keySlot(key) !== serverSlots[i]);
    expect(mismatches).toEqual([]);

    // Control: hashing the whole key, hash tags ignored, disagrees with the server on tagged keys.
    const wholeKey = (key: string) => crc16(new TextEncoder().encode(key)) % 16384;
    const tagged = keys.filter((key) => key.startsWith('{tenant:'));
    expect(tagged.filter((key) => wholeKey(key) !== keySlot(key)).length).toBeGreaterThan(tagged.length / 2);
  });

  it('hash tags: only the first non-empty {...} is hashed', () => {
    expect(keySlot('{user:42}:cart')).toBe(keySlot('{user:42}:profile'));
    expect(keySlot('{user:42}:cart')).toBe(keySlot('user:42'));
    expect(keySlot('{a}{b}')).toBe(keySlot('a'));
    expect(keySlot('{}user:42')).not.toBe(keySlot('user:42')); // empty tag: the whole key is hashed
    expect(keySlot('a{')).toBe(crc16(new TextEncoder().encode('a{')) % 16384);
  });
});

describe('redirections', () => {
  it('a node that does not serve the slot answers MOVED naming the owner; the cluster client gets the value', async () => {
    const key = 'product:1234';
    const slot = keySlot(key);
    const owner = await cluster.ownerOf(slot);
    await owner.client.set(key, 'in stock');

    const wrong = await cluster.wrongNodeFor(slot);
    const reply = await getOrMoved(wrong.client, key);
    expect(reply).toEqual({ moved: { slot, address: `127.0.0.1:${owner.server.port}` } });
    // Control: the owner itself answers with the value, no redirection.
    expect(await getOrMoved(owner.client, key)).toEqual({ value: 'in stock' });

    const client = cluster.connect();
    expect(await client.get(key)).toBe('in stock');
  });
});

describe('multi-key operations', () => {
  /** Two keys in different slots that one node serves: the refusal is about slots, not about nodes. */
  async function twoSlotsOnOneNode() {
    const first = 'cart:1';
    const owner = await cluster.ownerOf(keySlot(first));
    for (let i = 2; ; i++) {
      const second = `cart:${i}`;
      if (keySlot(second) !== keySlot(first) && (await cluster.ownerOf(keySlot(second))).id === owner.id)
        return { owner, keys: [first, second] as const };
    }
  }

  it('MSET, MULTI/EXEC and a script across two slots fail with CROSSSLOT and write nothing', async () => {
    const { owner, keys } = await twoSlotsOnOneNode();
    const [a, b] = keys;
    await expect(owner.client.mset(a, '1', b, '2')).rejects.toThrow(/^CROSSSLOT/);
    const exec = owner.client.multi().set(a, '1').set(b, '2').exec();
    await expect(exec).rejects.toThrow(/CROSSSLOT/);
    await expect(
      owner.client.eval("return redis.call('MSET', KEYS[1], 1, KEYS[2], 2)", 2, a, b),
    ).rejects.toThrow(/CROSSSLOT/);
    // EXISTS on both at once would be refused too: one key per call.
    expect([await owner.client.exists(a), await owner.client.exists(b)]).toEqual([0, 0]);
  });

  it('the same operations on keys sharing a hash tag succeed, through the cluster client', async () => {
    const [cart, profile] = ['{user:42}:cart', '{user:42}:profile'];
    const client = cluster.connect();
    expect(await client.mset(cart, 'book', profile, 'ada')).toBe('OK');
    expect(await client.multi().incr(`{user:42}:visits`).set(cart, 'pen').exec()).toEqual([
      [null, 1],
      [null, 'OK'],
    ]);
    expect(await client.eval("return redis.call('MGET', KEYS[1], KEYS[2])", 2, cart, profile)).toEqual([
      'pen',
      'ada',
    ]);
    // Control: the untagged pair through the same client is still refused.
    await expect(client.mset('user:42:cart', 'book', 'user:42:profile', 'ada')).rejects.toThrow(/CROSSSLOT/);
  });
});
