import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import { SERVICES } from '../../../src/services/registry.ts';
import { floodAndWatch, StalledSubscriber, setPubsubBufferLimit } from './StalledSubscriber.ts';

/**
 * CONFIG SET client-output-buffer-limit is server-wide: changing it on the shared Redis could cut off
 * other tests' subscribers. These tests get a Redis of their own.
 */
describe('a subscriber that stops reading (own ephemeral Redis)', () => {
  let server: EphemeralServer;
  let admin: Redis;
  const LIMIT = 1024 * 1024;

  beforeAll(async () => {
    server = await EphemeralServer.start(SERVICES.redis);
    admin = new Redis(server.url);
  }, 30_000);

  afterAll(async () => {
    await admin?.quit();
    await server?.dispose();
  });

  const flood = (channel: string, watch: string, maxMessages: number) =>
    floodAndWatch(admin, { channel, watch, maxMessages, messageBytes: 1000 });

  it('is disconnected once its output buffer passes the pubsub hard limit, and what it missed is gone', async () => {
    await setPubsubBufferLimit(admin, { hardBytes: LIMIT, softBytes: 0, softSeconds: 0 });
    const healthy = new Redis(server.url);
    const healthyGot: string[] = [];
    healthy.on('message', (_c: string, m: string) => healthyGot.push(m));
    await healthy.subscribe('room:limited');
    const slow = await StalledSubscriber.connect({ url: server.url, channel: 'room:limited', name: 'stuck' });
    try {
      const run = await flood('room:limited', 'stuck', 40_000);
      expect(run.disconnectedAfter).toBe(run.published);
      expect(run.maxOmem).toBeGreaterThan(0); // its buffer grew on the server first
      expect(run.maxOmem).toBeLessThanOrEqual(LIMIT); // and it was cut off at the limit

      const { payloads, closedByServer } = await slow.resumeAndDrain();
      expect(closedByServer).toBe(true);
      // It gets what was already in the kernel buffers, in order, then nothing: the rest is lost.
      const seqs = payloads.map((p) => Number(p.split(':')[0]));
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeLessThan(run.published);
      expect(seqs).not.toContain(run.published);

      // The healthy subscriber on the same server was not affected and received everything.
      const deadline = Date.now() + 3_000;
      while (healthyGot.length < run.published && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 10));
      expect(healthyGot.map((m) => Number(m.split(':')[0]))).toEqual(
        Array.from({ length: run.published }, (_, i) => i + 1),
      );
    } finally {
      slow.close();
      await healthy.quit();
    }
  });

  it('without the limit the same stalled subscriber stays connected and its buffer keeps growing', async () => {
    await setPubsubBufferLimit(admin, { hardBytes: 0, softBytes: 0, softSeconds: 0 }); // 0 = unlimited
    const slow = await StalledSubscriber.connect({ url: server.url, channel: 'room:unlimited', name: 'hog' });
    try {
      const run = await flood('room:unlimited', 'hog', 10_000);
      expect(run.disconnectedAfter).toBeNull();
      expect(run.maxOmem).toBeGreaterThan(LIMIT); // memory Redis holds for one client that reads nothing
    } finally {
      slow.close();
    }
  });
});
