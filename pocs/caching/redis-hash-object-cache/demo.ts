import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, LatencyRecorder, round } from '../../../src/lab/index.ts';
import { HashObjectCache, JsonObjectCache } from './objectCaches.ts';
import { LISTING_FIELDS, sampleProduct } from './sampleProduct.ts';

const PRODUCTS = 100;
const CONCURRENCY = 8;

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      const hash = new HashObjectCache({ redis, keyPrefix: `${ns}:h:`, ttlSeconds: 600 });
      const json = new JsonObjectCache({ redis, keyPrefix: `${ns}:j:`, ttlSeconds: 600 });
      ctx.progress('caching products');
      let totalObjectBytes = 0;
      for (let id = 0; id < PRODUCTS; id++) {
        const product = sampleProduct(id);
        totalObjectBytes += Buffer.byteLength(JSON.stringify(product));
        await hash.put(String(id), product);
        await json.put(String(id), product);
      }
      const objectBytes = Math.round(totalObjectBytes / PRODUCTS);
      const fields = [...LISTING_FIELDS];

      // The two readers take turns in rounds (A B, B A, ...) so that machine noise hits both alike.
      const rounds = ctx.quick ? 2 : 6;
      const readsPerRound = ctx.quick ? 400 : 3_000;
      const variants = [
        { label: 'HMGET 3 fields (hash)', cache: hash, latency: new LatencyRecorder(), bytes: 0, reads: 0 },
        {
          label: 'GET + JSON.parse whole object',
          cache: json,
          latency: new LatencyRecorder(),
          bytes: 0,
          reads: 0,
        },
      ];
      for (let round_ = 0; round_ < rounds; round_++) {
        const order = round_ % 2 === 0 ? variants : [...variants].reverse();
        for (const v of order) {
          ctx.signal.throwIfAborted();
          ctx.progress(`round ${round_ + 1}/${rounds}: ${v.label}`);
          let next = 0;
          await Promise.all(
            Array.from({ length: CONCURRENCY }, async () => {
              while (next < readsPerRound) {
                const id = String(next++ % PRODUCTS);
                const t0 = performance.now();
                const read = await v.cache.getFields(id, fields);
                v.latency.recordMs(performance.now() - t0);
                v.bytes += read.replyBytes;
                v.reads++;
              }
            }),
          );
        }
      }
      const rows = variants.map((v) => {
        const s = v.latency.summary();
        return { read: v.label, bytesPerRead: Math.round(v.bytes / v.reads), p50: s.p50, p99: s.p99 };
      });
      ctx.log(`Product object: ${objectBytes} B as JSON; a listing needs ${fields.join(', ')}.`);
      ctx.log(`${rounds} alternating rounds × ${readsPerRound} reads, ${CONCURRENCY} concurrent:`);
      for (const r of rows)
        ctx.log(`  ${r.read.padEnd(30)} ${r.bytesPerRead} B/read  p50 ${r.p50} ms  p99 ${r.p99} ms`);

      ctx.record.figure('object-bytes', 'Mean size of a cached product as JSON', objectBytes, 'B');
      ctx.record.figure('hmget-bytes', 'Reply bytes per read, HMGET of 3 fields', rows[0]!.bytesPerRead, 'B');
      ctx.record.figure(
        'get-bytes',
        'Reply bytes per read, GET of the whole object',
        rows[1]!.bytesPerRead,
        'B',
      );
      ctx.record.table({
        id: 'field-read',
        title: `Reading ${fields.length} fields of a ${round(objectBytes / 1024, 1)} KiB object, ${CONCURRENCY} concurrent readers`,
        columns: [
          { key: 'read', label: 'Read' },
          { key: 'bytesPerRead', label: 'Reply bytes per read', unit: 'B' },
          { key: 'p50', label: 'p50', unit: 'ms' },
          { key: 'p99', label: 'p99', unit: 'ms' },
        ],
        rows,
        chart: { type: 'bar', x: 'read', y: ['p50', 'p99'], title: 'Latency per read (lower is better)' },
      });
      ctx.record.compare({
        id: 'bytes-per-read',
        title: 'Reply bytes per read',
        unit: 'B',
        better: 'lower',
        baseline: { label: 'GET whole object', value: rows[1]!.bytesPerRead },
        candidate: { label: 'HMGET 3 fields', value: rows[0]!.bytesPerRead },
      });
      ctx.record.compare({
        id: 'p50-per-read',
        title: 'p50 latency per read',
        unit: 'ms',
        better: 'lower',
        baseline: { label: 'GET + JSON.parse', value: rows[1]!.p50 },
        candidate: { label: 'HMGET', value: rows[0]!.p50 },
      });
      const memory = {
        hash: Number(await redis.memory('USAGE', `${ns}:h:0`, 'SAMPLES', 0)),
        json: Number(await redis.memory('USAGE', `${ns}:j:0`, 'SAMPLES', 0)),
      };
      ctx.record.figure('hash-memory', 'MEMORY USAGE of one product as a hash', memory.hash, 'B');
      ctx.record.figure('json-memory', 'MEMORY USAGE of one product as a JSON string', memory.json, 'B');
      ctx.record.note(
        'Reply bytes are the value bytes Redis returned (RESP framing not counted). Latency includes JSON decoding on the ' +
          'client: of three small values for HMGET, of the whole object for GET.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
