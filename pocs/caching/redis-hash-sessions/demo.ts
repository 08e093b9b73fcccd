import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { defineDemo, deleteRedisKeys, round } from '../../../src/lab/index.ts';
import { SessionStore } from './SessionStore.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A typical web session: a handful of short fields. */
function sessionFields(i: number): Record<string, string> {
  return {
    userId: `user-${100_000 + i}`,
    role: i % 10 === 0 ? 'admin' : 'member',
    locale: 'en-GB',
    tenant: `t-${i % 50}`,
    cartId: `cart-${i}`,
    csrf: randomBytes(16).toString('hex'),
    ip: `10.0.${i % 256}.${(i * 7) % 256}`,
  };
}

export default defineDemo({
  async run(ctx) {
    const redis = new Redis(ctx.service('redis').url);
    const ns = ctx.namespace;
    try {
      // ── 1. Memory per session: hash vs JSON string ──────────────────────────────────────────
      const count = ctx.quick ? 200 : 2_000;
      ctx.progress('memory per session', 0, count);
      const sessions = new SessionStore({ redis, keyPrefix: `${ns}:hash:`, idleTimeoutMs: 1_800_000 });
      const hashIds: string[] = [];
      const jsonKeys: string[] = [];
      const bigKeys: string[] = [];
      const bigJsonKeys: string[] = [];
      for (let i = 0; i < count; i++) {
        const fields = sessionFields(i);
        hashIds.push(await sessions.create(fields));
        const jsonKey = `${ns}:json:${i}`;
        await redis.set(
          jsonKey,
          JSON.stringify({ ...fields, createdAt: String(Date.now()) }),
          'PX',
          1_800_000,
        );
        jsonKeys.push(jsonKey);
        // One value over hash-max-listpack-value (64 bytes by default), e.g. a token kept in the session.
        const accessToken = randomBytes(96).toString('base64url');
        const big = await sessions.create({ ...fields, accessToken });
        bigKeys.push(`${ns}:hash:${big}`);
        const bigJsonKey = `${ns}:bigjson:${i}`;
        await redis.set(
          bigJsonKey,
          JSON.stringify({ ...fields, accessToken, createdAt: String(Date.now()) }),
          'PX',
          1_800_000,
        );
        bigJsonKeys.push(bigJsonKey);
      }
      const measure = async (label: string, keys: string[]) => {
        const bytes = await Promise.all(keys.map((k) => redis.memory('USAGE', k, 'SAMPLES', 0)));
        const encoding = await redis.object('ENCODING', keys[0]!);
        return {
          label,
          encoding: String(encoding),
          bytesPerSession: Math.round(
            bytes.reduce((sum: number, b) => sum + Number(b ?? 0), 0) / keys.length,
          ),
        };
      };
      const rows = [
        await measure(
          'hash, 8 short fields',
          hashIds.map((id) => `${ns}:hash:${id}`),
        ),
        await measure('JSON string, same 8 fields', jsonKeys),
        await measure('hash, 8 fields + a 128-char token', bigKeys),
        await measure('JSON string, 8 fields + the token', bigJsonKeys),
      ];
      ctx.log(`MEMORY USAGE per session, mean of ${count}:`);
      for (const r of rows) ctx.log(`  ${r.label.padEnd(34)} ${r.bytesPerSession} B  (${r.encoding})`);
      ctx.record.table({
        id: 'memory-per-session',
        title: `Redis memory per session, mean of ${count} sessions`,
        columns: [
          { key: 'label', label: 'Stored as' },
          { key: 'encoding', label: 'OBJECT ENCODING' },
          { key: 'bytesPerSession', label: 'Bytes per session', unit: 'B' },
        ],
        rows,
        chart: {
          type: 'bar',
          x: 'label',
          y: ['bytesPerSession'],
          title: 'Bytes per session (lower is better)',
        },
      });
      ctx.record.compare({
        id: 'hash-vs-json-bytes',
        title: 'Memory per session',
        unit: 'B',
        better: 'lower',
        baseline: { label: 'JSON string', value: rows[1]!.bytesPerSession },
        candidate: { label: 'hash (listpack)', value: rows[0]!.bytesPerSession },
      });
      ctx.record.compare({
        id: 'hash-vs-json-bytes-token',
        title: 'Memory per session with a 128-char token',
        unit: 'B',
        better: 'lower',
        baseline: { label: 'JSON string', value: rows[3]!.bytesPerSession },
        candidate: { label: 'hash (hashtable)', value: rows[2]!.bytesPerSession },
      });

      // ── 2. Idle timeout and sliding expiration, observed ────────────────────────────────────
      ctx.signal.throwIfAborted();
      const idleMs = 500;
      ctx.progress('idle timeout');
      const short = new SessionStore({ redis, keyPrefix: `${ns}:idle:`, idleTimeoutMs: idleMs });
      const busy = await short.create({ userId: 'busy' });
      const idle = await short.create({ userId: 'idle' });
      const t0 = performance.now();
      let idleGoneAt = 0;
      let busyAlive = true;
      while (performance.now() - t0 < 3 * idleMs) {
        await sleep(100);
        busyAlive &&= (await short.get(busy)) !== null;
        if (!idleGoneAt && (await redis.exists(`${ns}:idle:${idle}`)) === 0)
          idleGoneAt = performance.now() - t0;
      }
      const activeFor = Math.round(performance.now() - t0);
      await short.destroy(busy);
      const afterLogout = await short.get(busy);
      ctx.log('');
      ctx.log(`idle timeout ${idleMs} ms: untouched session gone after ~${Math.round(idleGoneAt)} ms;`);
      ctx.log(
        `  a session read every 100 ms was still alive after ${activeFor} ms; after logout: ${afterLogout}`,
      );
      ctx.record.figure('idle-timeout-ms', 'Idle timeout used in the demo', idleMs, 'ms');
      ctx.record.figure(
        'idle-session-gone-ms',
        'Untouched session gone after (polled every 100 ms)',
        round(idleGoneAt, 0),
        'ms',
      );
      ctx.record.figure(
        'busy-session-alive',
        `Session read every 100 ms still alive after ${activeFor} ms`,
        busyAlive,
      );
      ctx.record.figure('logged-out-session', 'Session readable after logout', afterLogout !== null);
      ctx.record.note(
        'Small hashes are stored as a listpack (one compact allocation) until a field count or value length limit ' +
          '(hash-max-listpack-entries / hash-max-listpack-value) is crossed; then Redis converts them to a hash table.',
      );
    } finally {
      await deleteRedisKeys(redis, ns).catch(() => {});
      await redis.quit().catch(() => redis.disconnect());
    }
  },
});
