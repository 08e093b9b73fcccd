import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys } from '../../../src/lab/index.ts';
import { HashDocumentStore, JsonDocumentStore, updateJsonWithWatch } from './documentStores.ts';

const INCREMENTERS = 20;

export default defineDemo({
  async run(ctx) {
    const url = ctx.service('redis').url;
    const connections = Array.from({ length: 4 }, () => new Redis(url));
    const [a, b] = connections as [Redis, Redis];
    const ns = ctx.namespace;
    try {
      // ── 1. Two app servers update different fields of the same user at the same moment ──────
      const rounds = ctx.quick ? 100 : 1_000;
      const user = { name: 'Ada', email: 'ada@old.example', views: 0 };
      const jsonA = new JsonDocumentStore(a, `${ns}:j:`);
      const jsonB = new JsonDocumentStore(b, `${ns}:j:`);
      const hashA = new HashDocumentStore(a, `${ns}:h:`);
      const hashB = new HashDocumentStore(b, `${ns}:h:`);
      const lost = { json: 0, watch: 0, hash: 0 };
      let watchRetries = 0;
      ctx.progress('concurrent field updates', 0, rounds);
      for (let r = 0; r < rounds; r++) {
        ctx.signal.throwIfAborted();
        const id = `u${r}`;
        const email = `ada+${r}@new.example`;
        const name = `Ada ${r}`;
        await jsonA.create(id, user);
        await Promise.all([jsonA.update(id, { email }), jsonB.update(id, { name })]);
        const j = (await jsonA.read(id))!;
        if (j.email !== email || j.name !== name) lost.json++;

        const wkey = `${ns}:w:${id}`;
        await a.set(wkey, JSON.stringify(user));
        const [wa, wb] = await Promise.all([
          updateJsonWithWatch(a, wkey, { email }),
          updateJsonWithWatch(b, wkey, { name }),
        ]);
        watchRetries += wa.attempts - 1 + (wb.attempts - 1);
        const w = JSON.parse((await a.get(wkey))!);
        if (w.email !== email || w.name !== name) lost.watch++;

        await hashA.create(id, user);
        await Promise.all([hashA.update(id, { email }), hashB.update(id, { name })]);
        const h = (await hashA.read(id))!;
        if (h.email !== email || h.name !== name) lost.hash++;
        if (r % 100 === 0) ctx.progress('concurrent field updates', r, rounds);
      }
      ctx.log(`${rounds} rounds, two connections each updating a different field of one user at once:`);
      ctx.log(`  JSON GET + SET          rounds with a lost update: ${lost.json}`);
      ctx.log(
        `  JSON with WATCH/MULTI   rounds with a lost update: ${lost.watch} (retries: ${watchRetries})`,
      );
      ctx.log(`  hash HSET per field     rounds with a lost update: ${lost.hash}`);
      ctx.record.figure(
        'json-lost-rounds',
        `Rounds with a lost field update, JSON GET + SET (of ${rounds})`,
        lost.json,
      );
      ctx.record.figure(
        'watch-lost-rounds',
        `Rounds with a lost field update, JSON + WATCH (of ${rounds})`,
        lost.watch,
      );
      ctx.record.figure('watch-retries', 'WATCH retries needed', watchRetries);
      ctx.record.figure(
        'hash-lost-rounds',
        `Rounds with a lost field update, HSET per field (of ${rounds})`,
        lost.hash,
      );
      ctx.record.table({
        id: 'field-updates',
        title: `${rounds} rounds of two concurrent updates to different fields of one object`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'lostRounds', label: 'Rounds with a lost update' },
        ],
        rows: [
          { method: 'JSON string, GET + SET', lostRounds: lost.json },
          { method: 'JSON string, WATCH + MULTI (retry)', lostRounds: lost.watch },
          { method: 'Hash, HSET per field', lostRounds: lost.hash },
        ],
        chart: {
          type: 'bar',
          x: 'method',
          y: ['lostRounds'],
          title: 'Rounds with a lost update (lower is better)',
        },
      });

      // ── 2. A numeric field incremented by many clients ───────────────────────────────────────
      ctx.signal.throwIfAborted();
      ctx.progress('concurrent increments');
      const perClient = ctx.quick ? 20 : 100;
      const expected = INCREMENTERS * perClient;
      const count = async (stores: { increment(id: string, f: string): Promise<void> }[]) => {
        await Promise.all(
          Array.from({ length: INCREMENTERS }, async (_, c) => {
            for (let i = 0; i < perClient; i++)
              await stores[c % stores.length]!.increment('counter', 'views');
          }),
        );
      };
      const jsons = connections.map((r) => new JsonDocumentStore(r, `${ns}:ji:`));
      const hashes = connections.map((r) => new HashDocumentStore(r, `${ns}:hi:`));
      await jsons[0]!.create('counter', user);
      await hashes[0]!.create('counter', user);
      await count(jsons);
      await count(hashes);
      const jsonViews = Number((await jsons[0]!.read('counter'))!.views);
      const hashViews = Number((await hashes[0]!.read('counter'))!.views);
      ctx.log('');
      ctx.log(
        `${INCREMENTERS} clients × ${perClient} increments of views: JSON ${jsonViews}, HINCRBY ${hashViews} (expected ${expected})`,
      );
      ctx.record.table({
        id: 'increments',
        title: `${INCREMENTERS} concurrent clients × ${perClient} increments of one numeric field`,
        columns: [
          { key: 'method', label: 'Method' },
          { key: 'expected', label: 'Expected' },
          { key: 'final', label: 'Final value' },
          { key: 'lost', label: 'Lost increments' },
        ],
        rows: [
          { method: 'JSON string, GET + SET', expected, final: jsonViews, lost: expected - jsonViews },
          { method: 'Hash, HINCRBY', expected, final: hashViews, lost: expected - hashViews },
        ],
        chart: { type: 'bar', x: 'method', y: ['final', 'lost'], title: 'Final value and lost increments' },
      });
      ctx.record.figure('hincrby-lost', 'Increments lost with HINCRBY', expected - hashViews);
    } finally {
      await deleteRedisKeys(a, ns).catch(() => {});
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    }
  },
});
